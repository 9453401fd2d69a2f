// kit/config/layers.hpp — placeholder (issue 17).
#pragma once
