// conformance_test.cpp — replays tests/sync/conformance/*.json against a real county server: each file is one
// request (method, path, headers, body, which client certificate) and the answer sync/PROTOCOL.md promises for it
// (status, error code, push rejections). The files are written for strangers building a second client: read them
// as examples of the protocol.
#include <filesystem>
#include <fstream>

#include "support/chain_writer.hpp"
#include "support/county_http.hpp"

using namespace yimen;
using namespace yimen::test;
namespace proto = yimen::sync::protocol;
using nlohmann::json;

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
    return s;
}

struct Context {
    std::string kiosk_id, now, token;
    std::string fill(const std::string& s) const {
        return replace_all(replace_all(replace_all(s, "${KIOSK_ID}", kiosk_id), "${NOW}", now), "${TOKEN}", token);
    }
};

// Seals the "events_sealed" list of a push body into a real chain, applying each item's mutation.
json sealed_push(json body, const Context& ctx) {
    ChainWriter w{ctx.kiosk_id, "boot-conformance"};
    json events = json::array();
    for (auto& item : body["events_sealed"]) {
        const records::Actor actor = item.contains("actor")
                                         ? records::Actor{item["actor"]["kind"].get<std::string>(), item["actor"]["id"].get<std::string>()}
                                         : records::Actor{"resident", ""};
        w.schema = item.value("schema", records::kSchemaVersion);
        const std::string text = w.next(item["type"], item["payload"], ctx.fill(item.value("wall_time", "${NOW}")), actor,
                                        item.value("boot", ""));
        if (item.value("skip", false)) continue;
        json e = json::parse(text);
        const std::string mutate = item.value("mutate", "");
        if (mutate == "float") e["payload"]["weight"] = 1.5;
        if (mutate == "hash_flip") e["payload"]["quiz_version"] = "tampered";
        events.push_back(e);
    }
    body.erase("events_sealed");
    body["events"] = events;
    return body;
}

}  // namespace

TEST_CASE("protocol conformance: every request/response pair in tests/sync/conformance", "[county][conformance]") {
    const std::filesystem::path dir = std::filesystem::path(YIMEN_SOURCE_ASSETS_DIR).parent_path() / "tests/sync/conformance";
    std::vector<std::filesystem::path> files;
    for (auto& f : std::filesystem::directory_iterator(dir))
        if (f.path().extension() == ".json") files.push_back(f.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 10);

    County c;
    TempDir other;
    REQUIRE(county::pki::init(other.str() + "/x", {}).ok());
    auto foreign = county::pki::issue_kiosk(other.str() + "/x", "230523104-01", "230523104");
    REQUIRE(foreign.ok());
    auto staff = add_user(c, "township-staff", "230523104");

    for (auto& file : files) {
        DYNAMIC_SECTION(file.filename().string()) {
            std::ifstream in(file);
            const json spec = json::parse(in);
            const json& rq = spec["request"];
            const json& ex = spec["expect"];
            // Each file starts from a kiosk whose chain the county has not seen: a fresh kiosk id per file.
            const int n = 50 + std::stoi(file.filename().string().substr(0, 2));
            const std::string id = "230523104-" + std::to_string(n);
            auto kiosk = c.add_kiosk(id, "230523104", n);
            Context ctx{id, format_rfc3339(c.clock.now_utc_ms()), staff.token};

            std::string body;
            if (rq.contains("body_text")) body = rq["body_text"].get<std::string>();
            if (rq.contains("body")) {
                json b = rq["body"];
                if (b.is_object() && b.contains("events_sealed")) b = sealed_push(b, ctx);
                body = ctx.fill(b.dump());
            }
            const json gz = rq.value("gzip", json(false));
            if (gz == "two_members") {
                const std::size_t half = body.size() / 2;
                body = proto::gzip_compress(body.substr(0, half)) + proto::gzip_compress(body.substr(half));
            } else if (gz == true) {
                body = proto::gzip_compress(body);
            }
            body += rq.value("append", "");

            RawOptions o;
            const std::string cert = rq.value("cert", "none");
            if (cert == "kiosk") o.cert_dir = kiosk->cert_dir;
            if (cert == "foreign") o.cert_dir = foreign->dir;
            o.chunked = rq.value("chunked", false);
            if (rq.contains("headers"))
                for (auto& [name, value] : rq["headers"].items()) o.headers.push_back(name + ": " + ctx.fill(value.get<std::string>()));
            auto r = request(c.port, c.dir, rq["method"], ctx.fill(rq["path"]), body, o);
            INFO(spec["description"].get<std::string>() << "\n→ HTTP " << r.status << " " << r.body);
            REQUIRE(r.code == CURLE_OK);
            CHECK(r.status == ex["status"].get<long>());
            const json got = json::parse(r.body.empty() && rq["method"] == "HEAD" ? "{}" : r.body, nullptr, false);
            REQUIRE(got.is_object());
            if (ex.contains("error")) CHECK(got.value("error", "") == ex["error"]);
            for (const char* key : {"contiguous_through", "stopped", "cursor", "more", "changes"})
                if (ex.contains(key)) CHECK(got[key] == ex[key]);
            if (ex.contains("rejections")) {
                json slim = json::array();
                for (auto& x : got["rejections"]) slim.push_back({{"seq", x["seq"]}, {"code", x["code"]}});
                CHECK(slim == ex["rejections"]);
            }
            if (ex.contains("headers"))
                for (auto& h : ex["headers"]) CHECK(r.has_header(h.get<std::string>() + ":"));
        }
    }
}
