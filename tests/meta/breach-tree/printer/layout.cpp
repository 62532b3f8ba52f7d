// layout.cpp — a printer source that includes policy/, which its layer may not.
#include "policy/rules.hpp"
