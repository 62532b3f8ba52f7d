// secrets_test.cpp — the one scrypt PIN format, tokens, base64.
#include "base/secrets.hpp"

#include "test_support.hpp"

using namespace yimen;

TEST_CASE("scrypt PIN hashes verify, and refuse wrong PINs and forged parameters", "[secrets]") {
    auto h = secrets::hash_pin("4826", 1024);  // a small N keeps the test quick; production uses 2^15
    REQUIRE(h.ok());
    CHECK(h->rfind("$scrypt$N=1024,r=8,p=1$", 0) == 0);
    CHECK(secrets::verify_pin("4826", *h));
    CHECK_FALSE(secrets::verify_pin("4827", *h));
    CHECK_FALSE(secrets::verify_pin("4826", "plain"));
    CHECK_FALSE(secrets::verify_pin("4826", "$scrypt$N=1000,r=8,p=1$AAAA$AAAA"));      // N not a power of two
    CHECK_FALSE(secrets::verify_pin("4826", "$scrypt$N=4194304,r=8,p=1$AAAA$AAAA"));   // work beyond the cap
    auto d = secrets::hash_pin("4826");
    REQUIRE(d.ok());
    CHECK(d->rfind("$scrypt$N=32768,r=8,p=1$", 0) == 0);
    CHECK(*d != *secrets::hash_pin("4826"));  // a fresh salt each time
}

TEST_CASE("tokens and base64", "[secrets]") {
    auto t = secrets::random_token();
    CHECK(t.size() == 64);
    CHECK(t != secrets::random_token());
    // "中文" and a NUL byte: 7 bytes, the NUL inside the string.
    for (std::string s : {std::string(), std::string("a"), std::string("ab"), std::string("abc"), std::string("中文\0", 7)}) {
        REQUIRE((s.size() != 7 || s.back() == '\0'));
        CHECK(*secrets::base64_decode(secrets::base64_encode(s)) == s);
    }
    CHECK_FALSE(secrets::base64_decode("abc").ok());
}
