// kit/config/store.hpp — placeholder (issue 17).
#pragma once
