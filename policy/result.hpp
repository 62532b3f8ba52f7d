// result.hpp — the policy library's error vocabulary: a value or an Error with a machine code and a plain message.
// Library functions return these instead of throwing; callers branch on `code`, people read `message`.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace yimen {

struct Error {
    std::string code;     // stable, machine-readable (e.g. "bad_check", "illegal_transition")
    std::string message;  // plain Chinese for the person in front of the screen: what is wrong, what to do
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

}  // namespace yimen
