// protocol.cpp — codecs are strict on what they read: a wrong type is an error, never a default.
#include "sync/protocol.hpp"

#include <zlib.h>

#include "base/canonical_json.hpp"
#include "base/civil_date.hpp"

namespace yimen::sync::protocol {

using nlohmann::json;

json to_json(const PushRequest& r) {
    json events = json::array();
    for (auto& e : r.events) events.push_back(json::parse(e));
    json j = {{"kiosk_id", r.kiosk_id}, {"boot_id", r.boot_id}, {"uptime_ms", r.uptime_ms}, {"sent_at", r.sent_at},
              {"events", events}};
    if (r.signature)
        j["signature"] = {{"alg", r.signature->alg}, {"seq", r.signature->seq}, {"hash", r.signature->hash},
                          {"value", r.signature->value}};
    return j;
}

json to_json(const PushRequest& r, const PushFleetFacts& fleet) {
    json j = to_json(r);
    if (fleet.queue_depth) j["queue_depth"] = *fleet.queue_depth;
    if (!fleet.printer.empty()) j["printer"] = fleet.printer;
    if (!fleet.software_version.empty()) j["software_version"] = fleet.software_version;
    return j;
}

Result<PushRequest> push_request_from_json(const json& j) {
    const Error bad{"bad_request", "上传内容格式不正确。"};
    if (!j.is_object() || !j.contains("kiosk_id") || !j["kiosk_id"].is_string() || !j.contains("events") ||
        !j["events"].is_array() || !j.contains("boot_id") || !j["boot_id"].is_string() || !j.contains("uptime_ms") ||
        !j["uptime_ms"].is_number_integer() || !j.contains("sent_at") || !j["sent_at"].is_string())
        return bad;
    PushRequest r;
    r.kiosk_id = j["kiosk_id"];
    r.boot_id = j["boot_id"];
    r.uptime_ms = j["uptime_ms"];
    r.sent_at = j["sent_at"];
    if (r.kiosk_id.empty() || r.boot_id.empty() || r.uptime_ms < 0)
        return Error{"bad_request", "kiosk_id、boot_id 不能为空，uptime_ms 不能为负数。"};
    if (!parse_rfc3339(r.sent_at)) return Error{"bad_request", "sent_at 须为 RFC 3339 UTC 时间，例如 2026-11-30T08:00:00.000Z。"};
    if (j["events"].size() > static_cast<std::size_t>(kMaxEventsPerPush))
        return Error{"too_many_events", "一次上传的记录过多。"};
    // Events stay as JSON text: the server hashes what it received, re-canonicalised.
    for (auto& e : j["events"]) r.events.push_back(e.dump());
    if (j.contains("signature")) {
        // Whether it verifies is the county's business (bad_signature); here only its shape is checked.
        const json& s = j["signature"];
        const Error bad_signature_shape{"bad_request", "signature 须为 {alg, seq, hash, value}：alg 与 value 为文本，seq 为"
                                                       "正整数，hash 为 64 位小写十六进制；没有记录的上传不带签名。"};
        if (r.events.empty() || !s.is_object() || !s.contains("alg") || !s["alg"].is_string() || !s.contains("seq") ||
            !s["seq"].is_number_integer() || !s.contains("hash") || !s["hash"].is_string() || !s.contains("value") ||
            !s["value"].is_string())
            return bad_signature_shape;
        ChainHeadSignature sig{s["alg"].get<std::string>(), s["seq"].get<std::int64_t>(), s["hash"].get<std::string>(),
                               s["value"].get<std::string>()};
        if (sig.seq < 1 || sig.hash.size() != 64 || sig.hash.find_first_not_of("0123456789abcdef") != std::string::npos ||
            sig.value.empty() || sig.alg.empty())
            return bad_signature_shape;
        r.signature = std::move(sig);
    }
    return r;
}

PushFleetFacts push_fleet_facts_from_json(const json& j) {
    PushFleetFacts f;
    if (!j.is_object()) return f;
    if (j.contains("queue_depth") && j["queue_depth"].is_number_integer() && j["queue_depth"].get<std::int64_t>() >= 0)
        f.queue_depth = j["queue_depth"].get<std::int64_t>();
    if (j.contains("printer") && j["printer"].is_string()) f.printer = j["printer"].get<std::string>().substr(0, 32);
    if (j.contains("software_version") && j["software_version"].is_string())
        f.software_version = j["software_version"].get<std::string>().substr(0, 32);
    return f;
}

json to_json(const PushResponse& r) {
    json rej = json::array();
    for (auto& x : r.rejections) rej.push_back({{"seq", x.seq}, {"code", x.code}, {"message", x.message}});
    return {{"contiguous_through", r.contiguous_through}, {"checkpoint_hash", r.checkpoint_hash},
            {"rejections", rej}, {"server_time", r.server_time}, {"stopped", r.stopped}};
}

Result<PushResponse> push_response_from_json(const json& j) {
    try {
        PushResponse r;
        r.contiguous_through = j.at("contiguous_through").get<std::int64_t>();
        r.checkpoint_hash = j.at("checkpoint_hash").get<std::string>();
        r.server_time = j.at("server_time").get<std::string>();
        r.stopped = j.at("stopped").get<bool>();
        for (auto& x : j.at("rejections"))
            r.rejections.push_back({x.at("seq").get<std::int64_t>(), x.at("code").get<std::string>(),
                                    x.value("message", "")});
        return r;
    } catch (const json::exception&) {
        return Error{"bad_response", "县服务器的答复格式不正确。"};
    }
}

json to_json(const PullResponse& r) {
    json changes = json::array();
    for (auto& c : r.changes) changes.push_back({{"id", c.id}, {"kind", c.kind}, {"key", c.key}, {"body", c.body}});
    return {{"cursor", r.cursor},
            {"more", r.more},
            {"changes", changes},
            {"checkpoint", r.checkpoint},
            {"checkpoint_hash", r.checkpoint_hash},
            {"receipt_day", r.receipt_day},
            {"receipt_high_water", r.receipt_high_water},
            {"server_time", r.server_time}};
}

Result<PullResponse> pull_response_from_json(const json& j) {
    try {
        PullResponse r;
        r.cursor = j.at("cursor").get<std::int64_t>();
        r.more = j.at("more").get<bool>();
        r.checkpoint = j.at("checkpoint").get<std::int64_t>();
        r.checkpoint_hash = j.at("checkpoint_hash").get<std::string>();
        r.receipt_day = j.at("receipt_day").get<std::string>();
        r.receipt_high_water = j.at("receipt_high_water").get<int>();
        r.server_time = j.at("server_time").get<std::string>();
        for (auto& c : j.at("changes"))
            r.changes.push_back({c.at("id").get<std::int64_t>(), c.at("kind").get<std::string>(),
                                 c.at("key").get<std::string>(), c.at("body")});
        return r;
    } catch (const json::exception&) {
        return Error{"bad_response", "县服务器的答复格式不正确。"};
    }
}

std::string gzip_compress(const std::string& data) {
    z_stream zs{};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

Result<std::string> gzip_decompress(const std::string& data, std::size_t max_out) {
    const Error broken{"bad_gzip", "压缩数据不完整或已损坏。"};
    if (data.empty()) return broken;
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) return Error{"bad_gzip", "压缩数据无法解开。"};
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buf[65536];
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        const int rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > max_out) {
            inflateEnd(&zs);
            return Error{"too_large", "解压后的内容超过上限。"};
        }
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) break;  // the last member ended exactly at the end of the body
            // Another member must follow, starting with the gzip magic; anything else is trailing garbage.
            if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b || inflateReset(&zs) != Z_OK) {
                inflateEnd(&zs);
                return broken;
            }
            continue;
        }
        if (rc != Z_OK || (zs.avail_in == 0 && zs.avail_out != 0)) {  // corrupt, or input ended inside a member
            inflateEnd(&zs);
            return broken;
        }
    }
    inflateEnd(&zs);
    return out;
}

int json_nesting_depth(std::string_view text, int stop_after) {
    int depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
            if (deepest > stop_after) return deepest;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

Result<json> parse_json_bounded(std::string_view text, int max_depth) {
    if (json_nesting_depth(text, max_depth) > max_depth)
        return Error{"too_deep", "JSON 嵌套超过 " + std::to_string(max_depth) + " 层。"};
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return Error{"bad_request", "内容不是有效的 JSON。"};
    return j;
}

std::string id_last4_tag(const std::string& receipt_number, const std::string& last4) {
    return hmac_sha256_hex(receipt_number, last4);
}

}  // namespace yimen::sync::protocol
