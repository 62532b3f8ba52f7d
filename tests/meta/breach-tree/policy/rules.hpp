// rules.hpp — a policy header.
#pragma once
