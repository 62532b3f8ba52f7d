// result.hpp — the project's error vocabulary: a value or an Error with a machine code, a plain message and a
// category. Library functions return these instead of throwing; callers branch on `code` (or, generically, on the
// category: retry a busy store, tell staff about a device), people read `message`.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace yimen {

// What kind of failure, for code that handles errors it does not know by name (logging, retry, which person to
// tell). `unspecified` is the default, so an Error built from a code and a message alone stays valid.
enum class ErrorCategory {
    unspecified,
    invalid_input,  // what a person typed or a peer sent is wrong: say what to correct
    not_found,      // no such record, file or key
    conflict,       // the state does not allow it (illegal transition, duplicate, lock-out)
    storage,        // the database or the disk failed (busy, full, corrupt)
    device,         // printer, card reader, speech, input engines
    network,        // the county cannot be reached or answered badly
    security,       // a signature, certificate, PIN or hash chain does not verify
};
const char* category_name(ErrorCategory c);

struct Error {
    std::string code;     // stable, machine-readable (e.g. "bad_check", "illegal_transition")
    std::string message;  // plain Chinese for the person in front of the screen: what is wrong, what to do
    ErrorCategory category = ErrorCategory::unspecified;
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    explicit operator bool() const { return v_.index() == 0; }
    bool ok() const { return v_.index() == 0; }
    const T& value() const& { return std::get<0>(v_); }
    T& value() & { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// For operations that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

inline const char* category_name(ErrorCategory c) {
    switch (c) {
        case ErrorCategory::invalid_input: return "invalid_input";
        case ErrorCategory::not_found: return "not_found";
        case ErrorCategory::conflict: return "conflict";
        case ErrorCategory::storage: return "storage";
        case ErrorCategory::device: return "device";
        case ErrorCategory::network: return "network";
        case ErrorCategory::security: return "security";
        case ErrorCategory::unspecified: break;
    }
    return "unspecified";
}

}  // namespace yimen
