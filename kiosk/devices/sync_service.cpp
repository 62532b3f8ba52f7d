// sync_service.cpp — intentionally small: the offline service is header-only; this unit anchors the interface.
#include "kiosk/devices/sync_service.hpp"
