// kit/config/dirs.hpp — placeholder, written by the dirs helper (issue 17).
#pragma once
