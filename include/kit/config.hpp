// kit/config.hpp — where an application keeps its settings and how it reads them safely.
//
// The cross-platform tutorial's ConfigManager and the copy tutorial's environment configs, made
// real: the right folder on each OS (config/dirs.hpp, platformdirs' rules); one JSON file that
// survives crashes, concurrent writers and bad bytes (config/store.hpp); defaults, the file, an
// environment overlay, KIT_ variables and the command line merged as RFC 7396 merge patches with
// each value's origin, into an immutable snapshot (config/layers.hpp, config/merge.hpp); and a
// JSON Schema subset to check the result (config/schema.hpp). Documents are nlohmann's
// ordered_json (config/json.hpp): a file keeps its key order through a set.
//
// Example:
//   kit::config::PlatformDirs dirs{.app = "MyPythonApp"};
//   auto folder = dirs.user_config_dir();            // ~/.config/MyPythonApp on Linux
//   auto store = kit::config::Store::open(*folder + "/config.json");
//   (void)store->set("theme", "dark");                // locked, re-read, atomically written
//   auto theme = store->get_string("theme");          // "dark"; config.type if not a string
#pragma once

#include "kit/config/dirs.hpp"
#include "kit/config/json.hpp"
#include "kit/config/key.hpp"
#include "kit/config/layers.hpp"
#include "kit/config/merge.hpp"
#include "kit/config/schema.hpp"
#include "kit/config/store.hpp"
