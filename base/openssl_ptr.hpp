// openssl_ptr.hpp — unique_ptr owners for OpenSSL objects, shared by the PKI (county/) and bundle signing (sync/).
#pragma once
#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>

namespace yimen::ossl {

// Frees with the matching OpenSSL function: Ptr<EVP_PKEY, EVP_PKEY_free>.
template <auto Free>
struct Deleter {
    template <class T>
    void operator()(T* p) const { Free(p); }
};
template <class T, auto Free>
using Ptr = std::unique_ptr<T, Deleter<Free>>;

using PKey = Ptr<EVP_PKEY, EVP_PKEY_free>;
using Bio = Ptr<BIO, BIO_free_all>;
using MdCtx = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;

}  // namespace yimen::ossl
