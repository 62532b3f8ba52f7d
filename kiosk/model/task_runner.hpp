// task_runner.hpp — the one place the kiosk core keeps threads and queues: a few named lanes (each one background
// thread running its jobs in order) and the main-thread queue their results come back through. Views and screen
// models never block: they hand work to a lane and apply its result when the frame drains the queue.
#pragma once
#include <atomic>
#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <deque>

namespace yimen::kiosk {

// Lanes are separate so a slow county query never delays a receipt, and handwriting never waits for either.
enum class Lane {
    records,  // SQLite writes of records and their journal events, staff PIN checks (scrypt)
    print,    // the receipt printer and its journal
    county,   // status queries to the county server
    ink,      // handwriting recognition
    voice,    // read-aloud (synthesis and stopping it, which joins the speech thread)
    card,     // the ID card reader's polling loop (serial I/O with timeouts), while a screen can use a card
};
inline constexpr std::size_t lane_count = 6;

class TaskRunner {
public:
    TaskRunner();
    // Lanes finish the jobs already queued and join, before anything they report to goes away.
    ~TaskRunner();
    TaskRunner(const TaskRunner&) = delete;
    TaskRunner& operator=(const TaskRunner&) = delete;

    // Runs `job` on `lane` after the jobs queued there before it; nobody waits for it (settle() does not either).
    void run(Lane lane, std::function<void()> job);
    // Runs `work` on `lane`, then `done(result)` on the main thread at the next drain(). settle() waits for both.
    template <class T>
    void submit(Lane lane, std::function<T()> work, std::function<void(T)> done) {
        pending_.fetch_add(1);
        run(lane, [this, work = std::move(work), done = std::move(done)]() mutable {
            auto shared = std::make_shared<T>(work());
            post([this, shared, done = std::move(done)] {
                pending_.fetch_sub(1);
                done(std::move(*shared));
            });
        });
    }

    // ---- the main-thread queue ------------------------------------------------------------------------------
    // Any thread: queues `fn` for the main thread and wakes the loop.
    void post(std::function<void()> fn);
    // Main thread: runs what was posted; true when something ran.
    bool drain();
    void set_wake(std::function<void()> wake);
    // Tests and scripts: drains until every submitted job's result has been applied, or `timeout_ms` passed.
    void settle(int timeout_ms = 5000);
    int pending() const { return pending_.load(); }

private:
    class Lane_;
    std::array<std::unique_ptr<Lane_>, lane_count> lanes_;
    std::mutex queue_mu_;
    std::deque<std::function<void()>> queue_;
    std::mutex wake_mu_;
    std::function<void()> wake_;
    std::atomic<int> pending_{0};
};

}  // namespace yimen::kiosk
