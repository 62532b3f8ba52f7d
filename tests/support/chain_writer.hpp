// chain_writer.hpp — hand-made kiosk event chains for the server's tests: every field of the envelope under the
// test's control (wall time, boot, actor), sealed exactly as a kiosk seals them, pushed over real mutual TLS.
#pragma once
#include <string>
#include <vector>

#include "base/canonical_json.hpp"
#include "policy/records.hpp"
#include "sync/protocol.hpp"

namespace yimen::test {

struct ChainWriter {
    std::string kiosk_id;
    std::string boot_id = "boot-hand";
    std::int64_t seq = 0;
    std::string prev = records::kZeroHash;
    int schema = records::kSchemaVersion;  // 2 for a schema-2 event (its payload then carries "sealed" itself)

    // The canonical text of the next event in the chain.
    std::string next(const std::string& type, const nlohmann::json& payload, const std::string& wall_time,
                     records::Actor actor = {"resident", ""}, const std::string& boot = "") {
        records::Envelope e;
        e.kiosk_id = kiosk_id;
        e.seq = ++seq;
        e.type = type;
        e.wall_time = wall_time;
        e.boot_id = boot.empty() ? boot_id : boot;
        e.uptime_ms = 1000 + seq;
        e.schema = schema;
        e.actor = std::move(actor);
        e.payload = payload;
        auto sealed = records::seal(e, prev);
        REQUIRE(sealed.ok());
        prev = sealed->hash;
        auto text = canonical_json(records::to_json_value(*sealed));
        REQUIRE(text.ok());
        return *text;
    }

    // A gzip push body for these events, sent now by this boot.
    std::string body(const std::vector<std::string>& events, const std::string& sent_at) const {
        sync::protocol::PushRequest req{kiosk_id, boot_id, 5000, sent_at, events};
        return sync::protocol::gzip_compress(sync::protocol::to_json(req).dump());
    }
};

}  // namespace yimen::test
