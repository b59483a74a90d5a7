// Monitoring's C shim over OpenCV 4.6: a handful of extern "C" functions, P/Invoked from
// src/Monitoring/Native/OpenCv. No C++ exception ever crosses this boundary.
#include <opencv2/core.hpp>

#define CVS_API extern "C" __attribute__((visibility("default")))

CVS_API const char* cvs_opencv_version() { return CV_VERSION; }
