// county_http.hpp — plain HTTPS clients for the county server's tests: one libcurl request with any client
// certificate, headers, body and source address; a staff API client with a bearer token; push bodies made from a
// kiosk's journal; and a direct look into county.db.
#pragma once
#include <curl/curl.h>

#include <cstring>
#include <string>
#include <vector>

#include "county/users.hpp"
#include "support/county_fixture.hpp"
#include "sync/protocol.hpp"

namespace yimen::test {

struct Raw {
    long status = 0;
    CURLcode code = CURLE_OK;
    std::string body;
    std::vector<std::string> headers;   // "Name: value" lines as received
    bool has_header(const std::string& name_colon_value_prefix) const {
        for (auto& h : headers)
            if (strncasecmp(h.c_str(), name_colon_value_prefix.c_str(), name_colon_value_prefix.size()) == 0) return true;
        return false;
    }
};

struct RawOptions {
    std::string cert_dir;                 // client.crt + client.key; empty = no client certificate
    std::vector<std::string> headers;
    bool chunked = false;
    std::string ca;                       // default: the county's ca.crt
    std::string source_address;           // bind the client to this loopback address (e.g. 127.0.0.2)
    long timeout_s = 20;
};

namespace detail {
inline std::size_t sink(char* p, std::size_t s, std::size_t n, void* u) {
    static_cast<std::string*>(u)->append(p, s * n);
    return s * n;
}
inline std::size_t header_sink(char* p, std::size_t s, std::size_t n, void* u) {
    std::string line(p, s * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) static_cast<std::vector<std::string>*>(u)->push_back(line);
    return s * n;
}
struct ChunkSource {
    std::string data;
    std::size_t pos = 0;
};
inline std::size_t chunk_read(char* buf, std::size_t s, std::size_t n, void* u) {
    auto* src = static_cast<ChunkSource*>(u);
    const std::size_t k = std::min(s * n, src->data.size() - src->pos);
    std::memcpy(buf, src->data.data() + src->pos, k);
    src->pos += k;
    return k;
}
}  // namespace detail

// A raw HTTPS request to the county at 127.0.0.1:port, for the protocol's edge cases.
inline Raw request(int port, const std::string& county_dir, const std::string& method, const std::string& path,
                   const std::string& body, const RawOptions& o = {}) {
    Raw r;
    CURL* h = curl_easy_init();
    const std::string url = "https://127.0.0.1:" + std::to_string(port) + path;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_CAINFO, (o.ca.empty() ? county_dir + "/ca.crt" : o.ca).c_str());
    if (!o.cert_dir.empty()) {
        curl_easy_setopt(h, CURLOPT_SSLCERT, (o.cert_dir + "/client.crt").c_str());
        curl_easy_setopt(h, CURLOPT_SSLKEY, (o.cert_dir + "/client.key").c_str());
    }
    const std::string iface = o.source_address.empty() ? "" : "host!" + o.source_address;
    if (!iface.empty()) curl_easy_setopt(h, CURLOPT_INTERFACE, iface.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, detail::sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, detail::header_sink);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, o.timeout_s);
    detail::ChunkSource src{body, 0};
    curl_slist* hs = nullptr;
    for (auto& x : o.headers) hs = curl_slist_append(hs, x.c_str());
    hs = curl_slist_append(hs, "Expect:");
    if (method == "POST") {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        if (o.chunked) {
            hs = curl_slist_append(hs, "Transfer-Encoding: chunked");
            curl_easy_setopt(h, CURLOPT_READFUNCTION, detail::chunk_read);
            curl_easy_setopt(h, CURLOPT_READDATA, &src);
        } else {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        }
    } else if (method == "HEAD") {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (method != "GET") {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
        if (!body.empty()) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        }
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    r.code = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    UNSCOPED_INFO("request " << method << " " << path << " → curl " << r.code << " HTTP " << r.status << " " << r.body);
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
    return r;
}

inline Raw raw(const County& c, const std::string& method, const std::string& path, const std::string& body,
               const std::string& cert_dir, std::vector<std::string> headers = {}, bool chunked = false,
               const std::string& ca = "") {
    RawOptions o;
    o.cert_dir = cert_dir;
    o.headers = std::move(headers);
    o.chunked = chunked;
    o.ca = ca;
    return request(c.port, c.dir, method, path, body, o);
}

// The staff API with a bearer token.
struct Api {
    const County& c;
    std::string token;

    std::pair<long, nlohmann::json> post(const std::string& receipt, const nlohmann::json& body) const {
        return call("POST", "/api/v1/cases/" + receipt + "/stages", body.dump());
    }
    std::pair<long, nlohmann::json> get(const std::string& path) const { return call("GET", path, ""); }
    std::pair<long, nlohmann::json> call(const std::string& method, const std::string& path, const std::string& body) const {
        RawOptions o;
        o.headers = {"Authorization: Bearer " + token, "Content-Type: application/json"};
        auto r = request(c.port, c.dir, method, path, body, o);
        REQUIRE(r.code == CURLE_OK);
        return {r.status, nlohmann::json::parse(r.body, nullptr, false)};
    }
};

inline std::string push_body(const Kiosk& k, const std::vector<std::string>& events) {
    sync::protocol::PushRequest req{k.id, k.boot.boot_id(), k.boot.uptime_ms(), format_rfc3339(k.clock.now_utc_ms()), events};
    return sync::protocol::gzip_compress(sync::protocol::to_json(req).dump());
}

inline std::vector<std::string> canonical_events(Kiosk& k, std::int64_t after = 0) {
    std::vector<std::string> out;
    auto events = k.journal->events_after(after, 1000, 1u << 30);
    REQUIRE(events.ok());
    for (auto& e : *events) out.push_back(e.canonical);
    return out;
}

// The first column of the first row of `sql` on the county's store (SQLite or PostgreSQL), -1 when none or NULL.
inline std::int64_t count(County& c, const std::string& sql) {
    std::int64_t v = -1;
    auto read = [&](county::Store& s) {
        REQUIRE(s.query(sql, {}, [&](const county::SqlRow& r) {
                     if (v == -1 && !r.is_null(0)) v = r.integer(0);
                 }).ok());
    };
    if (c.server) {
        read(c.server->store());
    } else {
        auto s = open_test_store(c.dir);
        REQUIRE(s.ok());
        read(**s);
    }
    return v;
}

// A county user created as an operator would (audited as "test").
inline county::CreatedUser add_user(County& c, const std::string& role, const std::string& township = "",
                                    std::optional<std::string> pin = std::nullopt, std::int64_t age_ms = 0) {
    county::Actor by{"cli:test", c.clock.now_utc_ms() - age_ms, county::kDefaultTokenTtlMs};
    auto u = county::add_user(c.server->store(), {"", role == "township-staff" ? "李娜" : "王县", role, township, pin}, by);
    REQUIRE(u.ok());
    return *u;
}

}  // namespace yimen::test
