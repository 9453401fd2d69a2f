// kit/config/schema.hpp — placeholder, written by the schema helper (issue 17).
#pragma once
