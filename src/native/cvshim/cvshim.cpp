// Monitoring's C shim over OpenCV 4.6: a handful of extern "C" functions, P/Invoked from
// src/Monitoring/Native/OpenCv. No C++ exception ever crosses this boundary.
//
// Conventions
//   * Every function (except cvs_opencv_version / cvs_last_error / the release functions) returns an
//     int status: CVS_OK (0), CVS_END_OF_STREAM (1) or a negative error code (listed below,
//     mirrored by NativeMethods.cs). On an error, cvs_last_error() returns a message for the
//     calling thread, valid until that thread's next shim call.
//   * Images cross the boundary as caller-owned, tightly packed buffers (row stride = width * bpp).
//     Formats: 0 = Gray8 (1 byte per pixel), 1 = Bgr24 (3 bytes per pixel, B,G,R order).
//   * Messages never contain the source URI (it may hold credentials): the C# side names the source
//     with its masked form.
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>
#include <opencv2/videoio.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#define CVS_API extern "C" __attribute__((visibility("default")))

namespace {

// Status codes (mirrored by NativeMethods.cs).
constexpr int CVS_OK = 0;
constexpr int CVS_END_OF_STREAM = 1;
constexpr int CVS_ERR_ARGUMENT = -1;   // a bad argument (null pointer, size, format)
constexpr int CVS_ERR_NOT_FOUND = -2;  // the file / folder / device does not exist
constexpr int CVS_ERR_OPEN = -3;       // exists, but no backend could open or decode it
constexpr int CVS_ERR_READ = -4;       // reading or decoding a frame failed (live source timed out or closed)
constexpr int CVS_ERR_NO_FRAME = -5;   // no frame decoded yet (retrieve before the first read)
constexpr int CVS_ERR_CODEC = -6;      // image encode / decode failed
constexpr int CVS_ERR_INTERNAL = -7;   // an OpenCV or C++ exception

// Pixel formats (mirrored by PixelFormat.cs).
constexpr int FMT_GRAY8 = 0;
constexpr int FMT_BGR24 = 1;

thread_local std::string t_error;

int fail(int code, const std::string& message) {
    t_error = message;
    return code;
}

// Runs body and turns any exception into a status + message.
template <typename F>
int guarded(const char* what, F&& body) noexcept {
    try {
        return body();
    } catch (const cv::Exception& e) {
        return fail(CVS_ERR_INTERNAL, std::string(what) + ": OpenCV error: " + e.what());
    } catch (const std::bad_alloc&) {
        return fail(CVS_ERR_INTERNAL, std::string(what) + ": out of memory");
    } catch (const std::exception& e) {
        return fail(CVS_ERR_INTERNAL, std::string(what) + ": " + e.what());
    } catch (...) {
        return fail(CVS_ERR_INTERNAL, std::string(what) + ": unknown C++ exception");
    }
}

int channels_of(int format) {
    switch (format) {
        case FMT_GRAY8: return 1;
        case FMT_BGR24: return 3;
        default: return 0;
    }
}

// Checks a caller image description; on success sets *mat_type.
int check_image(const void* data, long long len, int width, int height, int format, const char* name,
                int* mat_type) {
    const int ch = channels_of(format);
    if (ch == 0) return fail(CVS_ERR_ARGUMENT, std::string(name) + ": unknown pixel format " + std::to_string(format));
    if (data == nullptr) return fail(CVS_ERR_ARGUMENT, std::string(name) + ": null buffer");
    if (width <= 0 || height <= 0 || width > 32768 || height > 32768)
        return fail(CVS_ERR_ARGUMENT, std::string(name) + ": invalid size " + std::to_string(width) + "x" +
                                          std::to_string(height));
    const long long need = static_cast<long long>(width) * height * ch;
    if (len < need)
        return fail(CVS_ERR_ARGUMENT, std::string(name) + ": buffer holds " + std::to_string(len) +
                                          " bytes, expected " + std::to_string(need));
    *mat_type = CV_MAKETYPE(CV_8U, ch);
    return CVS_OK;
}

// Scratch images that keep their allocation between calls (per capture handle, or per thread).
struct Scratch {
    cv::Mat converted;  // after a colour conversion
    cv::Mat stage;      // after the integer stage of a two-stage shrink
};

// Resizes src to size: INTER_LINEAR when enlarging (either side), INTER_AREA when shrinking.
// OpenCV's INTER_AREA is fast only for integer ratios; for a non-integer shrink of 2x or more
// (768x576 -> 360x240) it costs several times a decode. So such a shrink runs in two stages: an
// integer box average by f = floor(ratio) (the fast path; the last < f source rows/columns are
// dropped), then INTER_AREA over the remaining ratio (< 2) on f*f times fewer pixels. Both stages
// are area averages, so the result stays an area resample: on vtest.avi (768x576 -> 360x240 grey)
// 3x faster (0.6 vs 1.9 ms single-threaded), mean difference to the one-stage result 1.5 grey levels,
// larger only on one-pixel-sharp edges (each footprint is up to one source pixel wider).
void resize_into(const cv::Mat& src, cv::Mat& dst, cv::Size size, Scratch& scratch) {
    if (size.width > src.cols || size.height > src.rows) {
        cv::resize(src, dst, size, 0, 0, cv::INTER_LINEAR);
        return;
    }
    const int f = std::min(src.cols / size.width, src.rows / size.height);
    const bool integer_ratio = src.cols == size.width * (src.cols / size.width) &&
                               src.rows == size.height * (src.rows / size.height);
    if (f < 2 || integer_ratio) {
        cv::resize(src, dst, size, 0, 0, cv::INTER_AREA);
        return;
    }
    const cv::Size staged(src.cols / f, src.rows / f);
    cv::resize(src(cv::Rect(0, 0, staged.width * f, staged.height * f)), scratch.stage, staged, 0, 0, cv::INTER_AREA);
    cv::resize(scratch.stage, dst, size, 0, 0, cv::INTER_AREA);
}

// Writes src (8-bit, 1, 3 or 4 channels) into dst (already sized and typed, usually a header over
// a caller buffer), resizing (see resize_into; nothing when the size is equal) and converting colour.
void convert_into(const cv::Mat& src, cv::Mat& dst, Scratch& scratch) {
    const int sc = src.channels();
    const int dc = dst.channels();
    const bool same_size = src.cols == dst.cols && src.rows == dst.rows;

    int code = -1;
    if (sc != dc) {
        if (dc == 1) code = sc == 3 ? cv::COLOR_BGR2GRAY : cv::COLOR_BGRA2GRAY;
        else if (dc == 3) code = sc == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGRA2BGR;
        else throw std::invalid_argument("unsupported channel conversion");
    }

    if (code < 0) {
        if (same_size) src.copyTo(dst);
        else resize_into(src, dst, dst.size(), scratch);
    } else if (same_size) {
        cv::cvtColor(src, dst, code);
    } else if (dc < sc) {
        // Fewer channels out: convert first, so the resize touches fewer bytes.
        cv::cvtColor(src, scratch.converted, code);
        resize_into(scratch.converted, dst, dst.size(), scratch);
    } else {
        resize_into(src, scratch.converted, dst.size(), scratch);
        cv::cvtColor(scratch.converted, dst, code);
    }
}

bool starts_with(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

bool is_all_digits(const std::string& s) {
    if (s.empty() || s.size() > 4) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// True when pattern holds exactly one printf integer placeholder (%d, %03d, ...) and no other '%'.
bool is_sequence_pattern(const std::string& pattern) {
    int placeholders = 0;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '%') continue;
        size_t j = i + 1;
        while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') ++j;
        if (j >= pattern.size() || pattern[j] != 'd' || j - i > 4) return false;
        ++placeholders;
        i = j;
    }
    return placeholders == 1;
}

bool path_exists(const std::string& path, bool* is_dir = nullptr) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    if (is_dir) *is_dir = S_ISDIR(st.st_mode);
    return true;
}

// The network schemes FFmpeg is asked to open (with timeouts).
bool is_network(const std::string& uri) {
    static const char* const schemes[] = {"rtsp://", "rtsps://", "rtmp://", "http://", "https://",
                                          "udp://",  "tcp://",   "srt://"};
    for (const char* s : schemes)
        if (starts_with(uri, s)) return true;
    return false;
}

// OpenCV's FFmpeg backend reads OPENCV_FFMPEG_CAPTURE_OPTIONS (getenv) on every open. We force RTSP
// over TCP by adding "rtsp_transport;tcp" once, under a mutex, before the first open of any source.
// It is never written again, so later getenv calls on other threads do not race with a setenv.
// Other demuxers ignore the option. A value the operator set is kept (ours is appended unless it
// already names rtsp_transport).
std::mutex g_env_mutex;
bool g_env_done = false;

void ensure_ffmpeg_options() {
    std::lock_guard<std::mutex> lock(g_env_mutex);
    if (g_env_done) return;
    const char* name = "OPENCV_FFMPEG_CAPTURE_OPTIONS";
    const char* current = std::getenv(name);
    std::string value = current ? current : "";
    if (value.find("rtsp_transport") == std::string::npos) {
        if (!value.empty()) value += "|";
        value += "rtsp_transport;tcp";
        ::setenv(name, value.c_str(), 1);
    }
    g_env_done = true;
}

}  // namespace

struct cvs_capture {
    cv::VideoCapture cap;
    cv::Mat frame;         // the last decoded frame (reused between reads)
    Scratch scratch;       // for resize + convert
    bool has_frame = false;
    bool live = false;     // RTSP / camera: no frame count, a failed grab is an error, not the end
    long long position = 0;  // frames grabbed so far = index of the next frame
    long long frame_count = -1;
};

CVS_API const char* cvs_opencv_version() { return CV_VERSION; }

CVS_API const char* cvs_last_error() { return t_error.c_str(); }

CVS_API int cvs_set_num_threads(int threads) {
    return guarded("set_num_threads", [&]() -> int {
        cv::setNumThreads(threads);
        return CVS_OK;
    });
}

CVS_API int cvs_get_num_threads() {
    try {
        return cv::getNumThreads();
    } catch (...) {
        return -1;
    }
}

// ---------------------------------------------------------------------------------------------
// Capture
// ---------------------------------------------------------------------------------------------

// Opens uri: a video file, an image sequence pattern ("dir/%03d.jpg"), a network stream
// (rtsp://, http://, ...; RTSP over TCP), a V4L2 device ("/dev/video0", "v4l2:///dev/video0") or a
// camera index ("0"). Timeouts apply to network streams (FFmpeg backend). On success *out is a
// handle to release with cvs_capture_release.
CVS_API int cvs_capture_open(const char* uri_c, int open_timeout_ms, int read_timeout_ms, cvs_capture** out) {
    if (out == nullptr) return fail(CVS_ERR_ARGUMENT, "open: null output pointer");
    *out = nullptr;
    if (uri_c == nullptr || *uri_c == '\0') return fail(CVS_ERR_ARGUMENT, "open: empty source URI");
    // OpenCV's own warnings (e.g. "can't open/read file" at the end of an image sequence) repeat what our
    // status codes already say; keep them off the daemon's output unless the operator asks with OPENCV_LOG_LEVEL.
    static std::once_flag quiet;
    std::call_once(quiet, [] {
        if (std::getenv("OPENCV_LOG_LEVEL") == nullptr) cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
    });
    return guarded("open", [&]() -> int {
        std::string uri(uri_c);
        auto* h = new cvs_capture();
        auto reject = [&](int code, const std::string& msg) {
            delete h;
            return fail(code, msg);
        };

        bool opened = false;
        std::string what;  // describes the attempt, for the error message
        if (starts_with(uri, "v4l2://")) uri = uri.substr(7);

        if (is_all_digits(uri)) {
            h->live = true;
            what = "camera index " + uri + " (V4L2)";
            if (!path_exists("/dev/video" + uri))
                return reject(CVS_ERR_NOT_FOUND, "no such camera: /dev/video" + uri +
                                                     " does not exist (is the camera connected, the driver loaded, "
                                                     "the device passed into the container?)");
            opened = h->cap.open(std::atoi(uri.c_str()), cv::CAP_V4L2);
        } else if (starts_with(uri, "/dev/")) {
            h->live = true;
            what = "V4L2 device";
            if (!path_exists(uri))
                return reject(CVS_ERR_NOT_FOUND, "no such device (is the camera connected, the driver loaded, "
                                                 "the device passed into the container?)");
            opened = h->cap.open(uri, cv::CAP_V4L2);
        } else if (is_network(uri)) {
            h->live = true;
            what = "network stream (FFmpeg, RTSP over TCP)";
            ensure_ffmpeg_options();
            std::vector<int> params;
            if (open_timeout_ms > 0) params.insert(params.end(), {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, open_timeout_ms});
            if (read_timeout_ms > 0) params.insert(params.end(), {cv::CAP_PROP_READ_TIMEOUT_MSEC, read_timeout_ms});
            opened = h->cap.open(uri, cv::CAP_FFMPEG, params);
        } else if (uri.find('%') != std::string::npos) {
            what = "image sequence";
            if (!is_sequence_pattern(uri))
                return reject(CVS_ERR_ARGUMENT, "an image sequence pattern needs exactly one %d-style placeholder, "
                                                "e.g. 'frames/%03d.jpg'");
            const auto slash = uri.find_last_of('/');
            const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : uri.substr(0, slash));
            bool is_dir = false;
            if (!path_exists(dir, &is_dir) || !is_dir)
                return reject(CVS_ERR_NOT_FOUND, "image sequence folder '" + dir + "' does not exist");
            // OpenCV's image-sequence reader starts at index 0 or 1.
            char first0[4096], first1[4096];
            std::snprintf(first0, sizeof first0, uri.c_str(), 0);
            std::snprintf(first1, sizeof first1, uri.c_str(), 1);
            if (!path_exists(first0) && !path_exists(first1))
                return reject(CVS_ERR_NOT_FOUND, std::string("image sequence has no first image (looked for '") +
                                                     first0 + "' and '" + first1 + "')");
            opened = h->cap.open(uri, cv::CAP_IMAGES);
        } else {
            what = "video file (FFmpeg)";
            bool is_dir = false;
            if (!path_exists(uri, &is_dir))
                return reject(CVS_ERR_NOT_FOUND, "file not found (check the path and that the service can read it)");
            if (is_dir) return reject(CVS_ERR_OPEN, "the path is a folder, not a video file");
            ensure_ffmpeg_options();
            opened = h->cap.open(uri, cv::CAP_FFMPEG);
        }

        if (!opened || !h->cap.isOpened())
            return reject(CVS_ERR_OPEN, "OpenCV could not open the " + what +
                                            (h->live ? ": unreachable, refused, timed out or not a video stream"
                                                     : ": not a video/image format it can decode, or the file is corrupt"));

        const int w = static_cast<int>(h->cap.get(cv::CAP_PROP_FRAME_WIDTH));
        const int ht = static_cast<int>(h->cap.get(cv::CAP_PROP_FRAME_HEIGHT));
        if (w <= 0 || ht <= 0)
            return reject(CVS_ERR_OPEN, "the " + what + " opened but reports no frame size: no decodable video stream");

        if (!h->live) {
            const double n = h->cap.get(cv::CAP_PROP_FRAME_COUNT);
            h->frame_count = n > 0 ? static_cast<long long>(n + 0.5) : -1;
        }
        *out = h;
        return CVS_OK;
    });
}

CVS_API void cvs_capture_release(cvs_capture* h) {
    if (h == nullptr) return;
    try {
        h->cap.release();
    } catch (...) {
        // Nothing useful to report from a release.
    }
    delete h;
}

// Width and height of the decoded frames, frames per second (0 when unknown), frame count (-1 when
// unknown: live sources, some containers), and whether the source is live (camera, network stream).
CVS_API int cvs_capture_info(cvs_capture* h, int* width, int* height, double* fps, long long* frame_count, int* live) {
    if (h == nullptr) return fail(CVS_ERR_ARGUMENT, "info: null handle");
    return guarded("info", [&]() -> int {
        if (h->has_frame) {
            if (width) *width = h->frame.cols;
            if (height) *height = h->frame.rows;
        } else {
            if (width) *width = static_cast<int>(h->cap.get(cv::CAP_PROP_FRAME_WIDTH));
            if (height) *height = static_cast<int>(h->cap.get(cv::CAP_PROP_FRAME_HEIGHT));
        }
        if (fps) {
            const double f = h->cap.get(cv::CAP_PROP_FPS);
            *fps = (f > 0 && f < 1000) ? f : 0;
        }
        if (frame_count) *frame_count = h->frame_count;
        if (live) *live = h->live ? 1 : 0;
        return CVS_OK;
    });
}

// The index of the next frame (= frames grabbed so far).
CVS_API int cvs_capture_position(cvs_capture* h, long long* position) {
    if (h == nullptr || position == nullptr) return fail(CVS_ERR_ARGUMENT, "position: null argument");
    *position = h->position;
    return CVS_OK;
}

// The name of the OpenCV backend in use ("FFMPEG", "CV_IMAGES", "V4L2"), copied into buf.
CVS_API int cvs_capture_backend(cvs_capture* h, char* buf, int buf_len) {
    if (h == nullptr || buf == nullptr || buf_len <= 0) return fail(CVS_ERR_ARGUMENT, "backend: null argument");
    return guarded("backend", [&]() -> int {
        const std::string name = h->cap.getBackendName();
        std::snprintf(buf, static_cast<size_t>(buf_len), "%s", name.c_str());
        return CVS_OK;
    });
}

// Advances to the next frame without decoding it. CVS_END_OF_STREAM at the end of a file or image
// sequence; CVS_ERR_READ when a live source yields nothing (timeout, closed stream).
CVS_API int cvs_capture_grab(cvs_capture* h) {
    if (h == nullptr) return fail(CVS_ERR_ARGUMENT, "grab: null handle");
    return guarded("grab", [&]() -> int {
        if (!h->cap.grab()) {
            if (h->live)
                return fail(CVS_ERR_READ, "no frame from the live source (read timeout, stream closed or device lost)");
            return CVS_END_OF_STREAM;
        }
        ++h->position;
        return CVS_OK;
    });
}

// Decodes the frame the last grab advanced to and writes it into dst at width x height in format.
// After this, cvs_capture_retrieve_last can produce other sizes/formats of the same frame.
CVS_API int cvs_capture_retrieve(cvs_capture* h, uint8_t* dst, long long dst_len, int width, int height, int format) {
    if (h == nullptr) return fail(CVS_ERR_ARGUMENT, "retrieve: null handle");
    int type = 0;
    if (int rc = check_image(dst, dst_len, width, height, format, "retrieve", &type); rc != CVS_OK) return rc;
    return guarded("retrieve", [&]() -> int {
        if (!h->cap.retrieve(h->frame) || h->frame.empty()) {
            h->has_frame = false;
            if (h->live) return fail(CVS_ERR_READ, "the live source delivered a frame that could not be decoded");
            return fail(CVS_ERR_READ, "a frame could not be decoded (corrupt data?)");
        }
        if (h->frame.depth() != CV_8U) return fail(CVS_ERR_READ, "the decoder produced a non 8-bit frame");
        h->has_frame = true;
        cv::Mat out(height, width, type, dst);
        convert_into(h->frame, out, h->scratch);
        return CVS_OK;
    });
}

// Grab + retrieve: decodes the next frame into dst. CVS_END_OF_STREAM at the end.
CVS_API int cvs_capture_read(cvs_capture* h, uint8_t* dst, long long dst_len, int width, int height, int format) {
    if (h == nullptr) return fail(CVS_ERR_ARGUMENT, "read: null handle");
    int type = 0;
    if (int rc = check_image(dst, dst_len, width, height, format, "read", &type); rc != CVS_OK) return rc;
    const int rc = cvs_capture_grab(h);
    if (rc != CVS_OK) return rc;
    return cvs_capture_retrieve(h, dst, dst_len, width, height, format);
}

// Writes the last decoded frame again (no decode) at another size / format.
CVS_API int cvs_capture_retrieve_last(cvs_capture* h, uint8_t* dst, long long dst_len, int width, int height,
                                      int format) {
    if (h == nullptr) return fail(CVS_ERR_ARGUMENT, "retrieve_last: null handle");
    int type = 0;
    if (int rc = check_image(dst, dst_len, width, height, format, "retrieve_last", &type); rc != CVS_OK) return rc;
    if (!h->has_frame) return fail(CVS_ERR_NO_FRAME, "no frame has been decoded yet");
    return guarded("retrieve_last", [&]() -> int {
        cv::Mat out(height, width, type, dst);
        convert_into(h->frame, out, h->scratch);
        return CVS_OK;
    });
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

// A shim-owned byte buffer (encode / decode results); free with cvs_buffer_free.
struct cvs_buffer {
    std::vector<uint8_t> bytes;
};

CVS_API void cvs_buffer_free(cvs_buffer* b) { delete b; }

// Encodes a caller BGR image as JPEG (quality 1..100). *out receives a buffer holding the bytes
// (*data, *len); free it with cvs_buffer_free.
CVS_API int cvs_jpeg_encode(const uint8_t* bgr, long long len, int width, int height, int quality, cvs_buffer** out,
                            const uint8_t** data, long long* out_len) {
    if (out == nullptr || data == nullptr || out_len == nullptr) return fail(CVS_ERR_ARGUMENT, "jpeg_encode: null output");
    *out = nullptr;
    *data = nullptr;
    *out_len = 0;
    int type = 0;
    if (int rc = check_image(bgr, len, width, height, FMT_BGR24, "jpeg_encode", &type); rc != CVS_OK) return rc;
    if (quality < 1 || quality > 100) return fail(CVS_ERR_ARGUMENT, "jpeg_encode: quality must be 1..100");
    return guarded("jpeg_encode", [&]() -> int {
        const cv::Mat img(height, width, type, const_cast<uint8_t*>(bgr));
        auto* b = new cvs_buffer();
        if (!cv::imencode(".jpg", img, b->bytes, {cv::IMWRITE_JPEG_QUALITY, quality}) || b->bytes.empty()) {
            delete b;
            return fail(CVS_ERR_CODEC, "JPEG encoding failed");
        }
        *out = b;
        *data = b->bytes.data();
        *out_len = static_cast<long long>(b->bytes.size());
        return CVS_OK;
    });
}

// Decodes an encoded image (JPEG, PNG, ...) into a shim-owned buffer in format (tightly packed).
CVS_API int cvs_image_decode(const uint8_t* encoded, long long len, int format, cvs_buffer** out,
                             const uint8_t** data, int* width, int* height) {
    if (out == nullptr || data == nullptr || width == nullptr || height == nullptr)
        return fail(CVS_ERR_ARGUMENT, "image_decode: null output");
    *out = nullptr;
    *data = nullptr;
    *width = *height = 0;
    if (encoded == nullptr || len <= 0 || len > INT32_MAX) return fail(CVS_ERR_ARGUMENT, "image_decode: empty input");
    const int ch = channels_of(format);
    if (ch == 0) return fail(CVS_ERR_ARGUMENT, "image_decode: unknown pixel format");
    return guarded("image_decode", [&]() -> int {
        const cv::Mat raw(1, static_cast<int>(len), CV_8U, const_cast<uint8_t*>(encoded));
        const cv::Mat img = cv::imdecode(raw, ch == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
        if (img.empty()) return fail(CVS_ERR_CODEC, "the data is not an image OpenCV can decode");
        auto* b = new cvs_buffer();
        b->bytes.resize(img.total() * img.elemSize());
        cv::Mat dst(img.rows, img.cols, img.type(), b->bytes.data());
        img.copyTo(dst);
        *out = b;
        *data = b->bytes.data();
        *width = img.cols;
        *height = img.rows;
        return CVS_OK;
    });
}

// Resizes and converts src into dst (INTER_AREA when shrinking, INTER_LINEAR when enlarging).
CVS_API int cvs_resize(const uint8_t* src, long long src_len, int src_w, int src_h, int src_format, uint8_t* dst,
                       long long dst_len, int dst_w, int dst_h, int dst_format) {
    int st = 0, dt = 0;
    if (int rc = check_image(src, src_len, src_w, src_h, src_format, "resize (source)", &st); rc != CVS_OK) return rc;
    if (int rc = check_image(dst, dst_len, dst_w, dst_h, dst_format, "resize (destination)", &dt); rc != CVS_OK)
        return rc;
    return guarded("resize", [&]() -> int {
        thread_local Scratch scratch;
        const cv::Mat in(src_h, src_w, st, const_cast<uint8_t*>(src));
        cv::Mat out(dst_h, dst_w, dt, dst);
        convert_into(in, out, scratch);
        return CVS_OK;
    });
}

// ---------------------------------------------------------------------------------------------
// Motion measurement
// ---------------------------------------------------------------------------------------------

// How far the moving parts of a scene moved from prev to cur, two Gray8 images of width x height: dense optical
// flow (Farneback: pyramid scale 0.5, 3 levels, window 9, 3 iterations, poly_n 5, sigma 1.1), read only where the
// image changed: pixels whose 5x5 box mean of |cur - prev| (0..1 of full scale) exceeds min_change (sensor noise
// and compression do not; an object that moved does). Writes the q-quantile (0..1) of the displacement magnitude
// over those pixels (model pixels; 0 when none) and their count. `learn` uses it to measure how far a camera's scene
// moves between analysed frames (decision 0017; cv2 4.6 with the same calls gives the same numbers).
CVS_API int cvs_motion_measure(const uint8_t* prev, const uint8_t* cur, long long len, int width, int height,
                               double min_change, double q, float* value, int* moving) {
    int type = 0;
    if (int rc = check_image(prev, len, width, height, FMT_GRAY8, "motion (previous frame)", &type); rc != CVS_OK) return rc;
    if (int rc = check_image(cur, len, width, height, FMT_GRAY8, "motion (current frame)", &type); rc != CVS_OK) return rc;
    if (value == nullptr || moving == nullptr) return fail(CVS_ERR_ARGUMENT, "motion: null output");
    if (!(q >= 0.0 && q <= 1.0)) return fail(CVS_ERR_ARGUMENT, "motion: quantile " + std::to_string(q) + " is outside [0, 1]");
    if (!(min_change >= 0.0 && min_change < 1.0))
        return fail(CVS_ERR_ARGUMENT, "motion: min_change " + std::to_string(min_change) + " is outside [0, 1)");
    return guarded("motion", [&]() -> int {
        const cv::Mat a(height, width, CV_8UC1, const_cast<uint8_t*>(prev));
        const cv::Mat b(height, width, CV_8UC1, const_cast<uint8_t*>(cur));
        thread_local cv::Mat flow, diff, change;
        thread_local std::vector<float> mags;
        cv::absdiff(a, b, diff);
        diff.convertTo(change, CV_32F, 1.0 / 255.0);
        cv::blur(change, change, cv::Size(5, 5));
        cv::calcOpticalFlowFarneback(a, b, flow, 0.5, 3, 9, 3, 5, 1.1, 0);
        mags.clear();
        for (int y = 0; y < height; y++) {
            const cv::Point2f* f = flow.ptr<cv::Point2f>(y);
            const float* c = change.ptr<float>(y);
            for (int x = 0; x < width; x++)
                if (c[x] > min_change) mags.push_back(std::sqrt(f[x].x * f[x].x + f[x].y * f[x].y));
        }
        *moving = static_cast<int>(mags.size());
        if (mags.empty()) {
            *value = 0.0f;
            return CVS_OK;
        }
        // numpy's default percentile: linear interpolation between the two nearest ranks
        const double pos = q * static_cast<double>(mags.size() - 1);
        const size_t lo = static_cast<size_t>(pos);
        std::nth_element(mags.begin(), mags.begin() + lo, mags.end());
        const float vlo = mags[lo];
        float vhi = vlo;
        if (lo + 1 < mags.size()) vhi = *std::min_element(mags.begin() + lo + 1, mags.end());
        *value = static_cast<float>(vlo + (pos - static_cast<double>(lo)) * (vhi - vlo));
        return CVS_OK;
    });
}

// ---------------------------------------------------------------------------------------------
// Overlays (in place on a caller BGR image)
// ---------------------------------------------------------------------------------------------

// Blends a float heatmap (values in [0,1], any grid size; NaN counts as 0) over the image with
// COLORMAP_JET. alpha_by_value = 0: every pixel gets alpha; 1: a pixel gets alpha * its heat, so
// cold cells leave the image untouched.
CVS_API int cvs_overlay_heatmap(uint8_t* bgr, long long len, int width, int height, const float* heat, long long heat_len,
                                int heat_w, int heat_h, float alpha, int alpha_by_value) {
    int type = 0;
    if (int rc = check_image(bgr, len, width, height, FMT_BGR24, "overlay_heatmap", &type); rc != CVS_OK) return rc;
    if (heat == nullptr || heat_w <= 0 || heat_h <= 0 || heat_len < static_cast<long long>(heat_w) * heat_h)
        return fail(CVS_ERR_ARGUMENT, "overlay_heatmap: heatmap buffer smaller than its grid size");
    if (!(alpha >= 0.f && alpha <= 1.f)) return fail(CVS_ERR_ARGUMENT, "overlay_heatmap: alpha must be in [0,1]");
    return guarded("overlay_heatmap", [&]() -> int {
        thread_local cv::Mat grid, resized, bytes, colored;
        cv::Mat(heat_h, heat_w, CV_32F, const_cast<float*>(heat)).copyTo(grid);
        cv::patchNaNs(grid, 0.0);
        cv::min(grid, 1.0, grid);
        cv::max(grid, 0.0, grid);
        if (grid.cols == width && grid.rows == height) grid.copyTo(resized);
        else cv::resize(grid, resized, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
        resized.convertTo(bytes, CV_8U, 255.0);
        cv::applyColorMap(bytes, colored, cv::COLORMAP_JET);

        cv::Mat img(height, width, type, bgr);
        if (!alpha_by_value) {
            cv::addWeighted(img, 1.0 - alpha, colored, alpha, 0.0, img);
            return CVS_OK;
        }
        for (int y = 0; y < height; ++y) {
            uint8_t* p = img.ptr<uint8_t>(y);
            const uint8_t* c = colored.ptr<uint8_t>(y);
            const float* v = resized.ptr<float>(y);
            for (int x = 0; x < width; ++x) {
                const float a = alpha * v[x];
                if (a <= 0.f) continue;
                for (int k = 0; k < 3; ++k) {
                    const float mixed = p[3 * x + k] * (1.f - a) + c[3 * x + k] * a;
                    p[3 * x + k] = static_cast<uint8_t>(mixed + 0.5f);
                }
            }
        }
        return CVS_OK;
    });
}

// Draws a rectangle outline (thickness > 0) or a filled one (thickness < 0); clipped to the image.
CVS_API int cvs_draw_rectangle(uint8_t* bgr, long long len, int width, int height, int x, int y, int w, int h, int b,
                               int g, int r, int thickness) {
    int type = 0;
    if (int rc = check_image(bgr, len, width, height, FMT_BGR24, "draw_rectangle", &type); rc != CVS_OK) return rc;
    if (w <= 0 || h <= 0) return fail(CVS_ERR_ARGUMENT, "draw_rectangle: width and height must be positive");
    if (thickness == 0 || thickness > 64) return fail(CVS_ERR_ARGUMENT, "draw_rectangle: thickness must be 1..64 or negative (filled)");
    return guarded("draw_rectangle", [&]() -> int {
        cv::Mat img(height, width, type, bgr);
        cv::rectangle(img, cv::Rect(x, y, w, h), cv::Scalar(b, g, r), thickness < 0 ? cv::FILLED : thickness, cv::LINE_8);
        return CVS_OK;
    });
}

// Draws a one-line ASCII label (other characters show as '?') with its top-left corner at (x, y)
// on a filled background box (bg_* < 0: no box). scale 0.3..4 (1 = about 22 px high).
CVS_API int cvs_put_text(uint8_t* bgr, long long len, int width, int height, const char* text, int x, int y, double scale,
                         int b, int g, int r, int thickness, int bg_b, int bg_g, int bg_r) {
    int type = 0;
    if (int rc = check_image(bgr, len, width, height, FMT_BGR24, "put_text", &type); rc != CVS_OK) return rc;
    if (text == nullptr) return fail(CVS_ERR_ARGUMENT, "put_text: null text");
    if (!(scale >= 0.1 && scale <= 10)) return fail(CVS_ERR_ARGUMENT, "put_text: scale must be in [0.1, 10]");
    if (thickness <= 0 || thickness > 16) return fail(CVS_ERR_ARGUMENT, "put_text: thickness must be 1..16");
    return guarded("put_text", [&]() -> int {
        std::string label;
        for (const char* p = text; *p && label.size() < 256; ++p) {
            const unsigned char c = static_cast<unsigned char>(*p);
            if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: counted with its lead byte
            label += (c >= 32 && c < 127) ? static_cast<char>(c) : '?';
        }
        cv::Mat img(height, width, type, bgr);
        const int font = cv::FONT_HERSHEY_SIMPLEX;
        int baseline = 0;
        const cv::Size size = cv::getTextSize(label, font, scale, thickness, &baseline);
        const int pad = 2 + thickness;
        if (bg_b >= 0 && bg_g >= 0 && bg_r >= 0)
            cv::rectangle(img, cv::Rect(x, y, size.width + 2 * pad, size.height + baseline + 2 * pad),
                          cv::Scalar(bg_b, bg_g, bg_r), cv::FILLED);
        cv::putText(img, label, cv::Point(x + pad, y + pad + size.height), font, scale, cv::Scalar(b, g, r), thickness,
                    cv::LINE_AA);
        return CVS_OK;
    });
}
