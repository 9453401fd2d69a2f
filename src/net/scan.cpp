// placeholder: filled in by the net work (issue 16)
#include "kit/net.hpp"
