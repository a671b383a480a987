// The doctest runner for every unit test file in tests/unit/ (one binary, no sockets).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
