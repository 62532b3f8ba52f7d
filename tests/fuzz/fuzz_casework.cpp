// fuzz_casework.cpp — the staff stage body (POST /api/v1/cases/{receipt}/stages) through Casework::record_stage, the
// path the server runs after authentication, against a real SQLite store seeded with cases at several stages.
// Input: one byte choosing the case and the staff member, then the request body.
// A step that was recorded changes the store; it is then reopened from the seeded copy so that every input sees
// the same cases. JSON type errors that escape record_stage (a field deep in `fields` of the wrong type; the server
// answers them with 400) are counted, not treated as crashes: run with YIMEN_FUZZ_STRICT=1 to make them abort.
#include <unistd.h>

#include <filesystem>

#include "county/casework.hpp"
#include "fuzz_support.hpp"
#include "policy/receipt_number.hpp"

using namespace yimen;
using namespace yimen::county;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kTownship = 230523104;
const CivilDate kToday{2025, 6, 2};

struct SeedCase {
    std::string programme;
    std::vector<std::string> stages;  // recorded in order, one day apart
    bool close_relative = false;
    bool referral = false;
};

const std::vector<SeedCase>& seed_cases() {
    static const std::vector<SeedCase> cases = {
        {"dibao", {"applied"}},
        {"dibao", {"applied", "accepted"}},
        {"dibao", {"applied", "accepted", "investigation_started", "household_visit_done", "verification_done",
                   "preliminary_opinion", "publicity_started"}},
        {"tekun", {"applied", "accepted"}, true},
        {"linshi_jinan", {"applied", "accepted"}},
        {"linshi_zhichu", {"applied", "accepted", "investigation_started", "preliminary_opinion"}},
        {"ref_jiaoyu", {"referral_issued"}, false, true},
    };
    return cases;
}

std::string receipt_of(std::size_t i) {
    const auto& c = seed_cases()[i];
    auto r = make_receipt_number(c.referral ? ReceiptType::referral : ReceiptType::application, kTownship, 1,
                                 CivilDate{2025, 4, 1}, static_cast<int>(i) + 1);
    return r->text;
}

void seed(Store& store) {
    const std::string township = std::to_string(kTownship);
    for (std::size_t i = 0; i < seed_cases().size(); ++i) {
        const auto& c = seed_cases()[i];
        const std::string receipt = receipt_of(i);
        if (c.referral) {
            (void)store.insert_referral(receipt, c.programme, township, "230523104-01", 0, json::object());
        } else {
            ApplicationRow a;
            a.receipt_number = receipt;
            a.programme = c.programme;
            a.township = township;
            a.kiosk_id = "230523104-01";
            a.channel = "self";
            a.close_relative = c.close_relative;
            a.payload = json::object();
            (void)store.insert_application(a);
        }
        CivilDate day{2025, 4, 1};
        for (const auto& stage : c.stages) {
            StageRow s;
            s.receipt_number = receipt;
            s.programme = c.programme;
            s.stage = stage;
            s.date = day.iso();
            s.actor = "resident";
            s.source = "kiosk";
            if (auto r = store.insert_stage(s); !r) {
                std::fprintf(stderr, "fuzz: seeding failed: %s\n", r.error().message.c_str());
                std::abort();
            }
            day = day.plus_days(3);
        }
    }
}

struct World {
    fs::path dir;
    fs::path pristine, work;
    FixedClock clock{0};
    std::unique_ptr<Store> store;
    std::unique_ptr<Casework> casework;
    std::vector<User> users;
    std::uint64_t json_exceptions = 0;
    std::uint64_t recorded = 0;

    World() {
        char tmpl[] = "/tmp/yimen-fuzz-casework-XXXXXX";
        dir = mkdtemp(tmpl);
        pristine = dir / "pristine.db";
        work = dir / "work.db";
        // Noon of kToday, +08:00.
        clock.set((kToday.to_days() * 86'400 + 4 * 3'600) * 1000);
        {
            auto s = open_sqlite_store(pristine.string());
            if (!s) std::abort();
            seed(**s);
        }
        for (auto [role, township] : {std::pair{"township-staff", "230523104"}, {"county-staff", ""},
                                      {"county-admin", ""}, {"township-staff", "230523105"}}) {
            User u;
            u.user_id = std::string(role) + "-" + township;
            u.name = "测试";
            u.role = role;
            u.township = township;
            users.push_back(u);
        }
        reopen();
    }
    ~World() {
        casework.reset();
        store.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    void reopen() {
        casework.reset();
        store.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(work.string() + suffix);
        fs::copy_file(pristine, work);
        auto s = open_sqlite_store(work.string());
        if (!s) std::abort();
        store = std::move(s).value();
        const auto& p = fuzz::policy();
        casework = std::make_unique<Casework>(*store, p.rules, p.calendar, clock);
    }
};

World& world() {
    static World w;
    static const bool report = [] {
        std::atexit([] {
            std::fprintf(stderr, "yimen-fuzz: %llu steps recorded, json exceptions escaped record_stage %llu times\n",
                         static_cast<unsigned long long>(world().recorded),
                         static_cast<unsigned long long>(world().json_exceptions));
        });
        return true;
    }();
    (void)report;
    return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    World& w = world();
    const std::size_t which = data[0] % seed_cases().size();
    const User& user = w.users[(data[0] / seed_cases().size()) % w.users.size()];
    auto body = fuzz::parse_bounded(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
    if (!body) return 0;
    fuzz::reached();
    bool changed = false;
    try {
        auto out = w.casework->record_stage(user, receipt_of(which), *body);
        changed = out.ok();
        if (!out) fuzz::check(!out.error().code.empty(), "a refusal carries a code");
    } catch (const nlohmann::json::exception&) {
        ++w.json_exceptions;
        if (std::getenv("YIMEN_FUZZ_STRICT")) throw;
    }
    if (changed) {
        ++w.recorded;
        w.reopen();
    }
    return 0;
}
