// kit/config/merge.hpp — placeholder (issue 17).
#pragma once
