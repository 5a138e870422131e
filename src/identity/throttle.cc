#include "identity/throttle.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <vector>

namespace sr::identity {
namespace {

using TimePoint = Clock::TimePoint;
using Duration = TimePoint::duration;
using std::chrono::seconds;

constexpr Duration kLockoutWindow = std::chrono::hours(1);
// Consecutive failures are counted up to this many past the free ones: 2^30 s
// is beyond any sensible account_max_delay.
constexpr int kMaxDoublings = 30;
// How many idle entries each call drops, per table tier: more than the one
// entry a call can add, so idle entries never pile up.
constexpr int kSweepPerCall = 2;

// WaitSeconds rounds a wait up to whole seconds, at least one.
seconds WaitSeconds(Duration wait) {
  return std::max(std::chrono::ceil<seconds>(wait), seconds(1));
}

// Table holds per-key state with bounded size. Entries sit in one of two
// recency lists, most recently active first: "hot" ones matter to a victim
// (an account in the delay regime, a blocked or known-good IP) and are
// evicted only when no cold one is left. An entry idle for `ttl` no longer
// affects any decision and is swept from the list tails, a few per call, so
// every operation is O(1) amortised. Not thread-safe (Impl's mutex guards it).
template <typename State>
class Table {
 public:
  struct Entry {
    std::string key;
    State state;
    TimePoint last_active{};
    bool hot = false;
  };

  Table(std::size_t max_keys, Duration ttl) : max_keys_(max_keys), ttl_(ttl) {}

  Entry* Find(std::string_view key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &*it->second;
  }

  // Touch returns the entry of `key`, created if need be (evicting another
  // when full), and marks it the most recently active of its tier.
  Entry& Touch(std::string_view key, TimePoint now) {
    auto found = index_.find(key);
    if (found != index_.end()) {
      auto it = found->second;
      List& list = ListOf(it->hot);
      list.splice(list.begin(), list, it);
      it->last_active = now;
      return *it;
    }
    while (index_.size() >= max_keys_) EvictOne();
    cold_.push_front(Entry{.key = std::string(key), .state = State{}, .last_active = now});
    index_.emplace(cold_.front().key, cold_.begin());
    return cold_.front();
  }

  // SetHot moves a just-touched entry to the front of the other tier.
  void SetHot(Entry& entry, bool hot) {
    if (entry.hot == hot) return;
    auto it = index_.at(entry.key);
    ListOf(hot).splice(ListOf(hot).begin(), ListOf(entry.hot), it);
    entry.hot = hot;
  }

  void Erase(std::string_view key) {
    auto found = index_.find(key);
    if (found == index_.end()) return;
    auto it = found->second;
    index_.erase(found);
    ListOf(it->hot).erase(it);
  }

  // Sweep drops a few entries that have been idle for ttl or longer.
  void Sweep(TimePoint now) {
    for (List* list : {&cold_, &hot_}) {
      for (int i = 0; i < kSweepPerCall && !list->empty(); ++i) {
        if (now - list->back().last_active < ttl_) break;
        EraseLast(*list);
      }
    }
  }

  std::size_t size() const { return index_.size(); }

 private:
  using List = std::list<Entry>;

  List& ListOf(bool hot) { return hot ? hot_ : cold_; }

  void EvictOne() { EraseLast(cold_.empty() ? hot_ : cold_); }

  void EraseLast(List& list) {
    index_.erase(list.back().key);
    list.pop_back();
  }

  std::size_t max_keys_;
  Duration ttl_;
  List cold_;
  List hot_;
  // Keys view the strings inside the list nodes, which never move.
  std::unordered_map<std::string_view, typename List::iterator> index_;
};

struct AccountState {
  int consecutive = 0;       // failures since the last success or reset
  TimePoint last_attempt{};  // the delay runs from here
  int hour_failures = 0;     // failures since hour_start
  TimePoint hour_start{};
};

struct IpState {
  std::vector<TimePoint> failures;  // within ip_window, oldest first, at most ip_max_failures
  std::optional<TimePoint> last_success;
};

// GlobalCounter keeps attempts and failures of the last `buckets` seconds in
// a ring of one-second buckets with running totals.
class GlobalCounter {
 public:
  explicit GlobalCounter(int buckets, TimePoint now)
      : buckets_(static_cast<std::size_t>(buckets)), current_(SecondOf(now)) {}

  void Add(TimePoint now, bool failed) {
    Advance(now);
    Bucket& b = buckets_[IndexOf(current_)];
    ++b.attempts;
    ++attempts_;
    if (failed) {
      ++b.failures;
      ++failures_;
    }
  }

  // Tripped reports whether the failure ratio over the window is too high.
  bool Tripped(TimePoint now, std::int64_t min_attempts, double max_ratio) {
    Advance(now);
    return attempts_ >= min_attempts &&
           static_cast<double>(failures_) > max_ratio * static_cast<double>(attempts_);
  }

 private:
  struct Bucket {
    std::int64_t attempts = 0;
    std::int64_t failures = 0;
  };

  static std::int64_t SecondOf(TimePoint t) {
    return std::chrono::floor<seconds>(t.time_since_epoch()).count();
  }
  std::size_t IndexOf(std::int64_t second) const {
    auto n = static_cast<std::int64_t>(buckets_.size());
    return static_cast<std::size_t>(((second % n) + n) % n);
  }

  // Advance empties the buckets of the seconds that left the window. A clock
  // that went back keeps counting into the current bucket.
  void Advance(TimePoint now) {
    std::int64_t second = SecondOf(now);
    if (second <= current_) return;
    if (second - current_ >= static_cast<std::int64_t>(buckets_.size())) {
      std::fill(buckets_.begin(), buckets_.end(), Bucket{});
      attempts_ = failures_ = 0;
    } else {
      for (std::int64_t s = current_ + 1; s <= second; ++s) {
        Bucket& b = buckets_[IndexOf(s)];
        attempts_ -= b.attempts;
        failures_ -= b.failures;
        b = Bucket{};
      }
    }
    current_ = second;
  }

  std::vector<Bucket> buckets_;
  std::int64_t current_;
  std::int64_t attempts_ = 0;
  std::int64_t failures_ = 0;
};

ThrottleOptions Sanitised(ThrottleOptions o) {
  o.account_free_failures = std::clamp(o.account_free_failures, 0, 1'000'000);
  o.account_max_delay = std::max(o.account_max_delay, seconds(1));
  o.account_lockout_failures = std::max(o.account_lockout_failures, 1);
  o.ip_max_failures = std::max(o.ip_max_failures, 1);
  o.ip_window = std::max(o.ip_window, seconds(1));
  o.global_window = std::clamp(o.global_window, seconds(1), seconds(3600));
  o.global_min_attempts = std::max(o.global_min_attempts, 1);
  o.global_max_failure_ratio = std::clamp(o.global_max_failure_ratio, 0.0, 1.0);
  o.max_tracked_keys = std::max<std::size_t>(o.max_tracked_keys, 1);
  return o;
}

}  // namespace

struct SignInThrottle::Impl {
  Impl(ThrottleOptions o, const Clock& c)
      : options(Sanitised(o)),
        clock(c),
        // An account's state matters for the lockout hour and for its
        // longest delay; an IP's for its window and as known-good.
        accounts(options.max_tracked_keys,
                 std::max<Duration>(kLockoutWindow, options.account_max_delay)),
        ips(options.max_tracked_keys, std::max(options.ip_window, options.global_window)),
        global(static_cast<int>(options.global_window.count()), c.Now()) {}

  // AccountDelay is the wait after `consecutive` failures, which must be at
  // least account_free_failures: 1 s, doubling per further failure, capped.
  Duration AccountDelay(int consecutive) const {
    int doublings = consecutive - options.account_free_failures;
    if (doublings >= kMaxDoublings) return options.account_max_delay;
    return std::min<Duration>(seconds(std::int64_t{1} << doublings), options.account_max_delay);
  }

  bool InDelayRegime(const AccountState& a) const {
    return a.consecutive >= options.account_free_failures;
  }

  // PruneIp forgets failures that left the IP window, and pulls back any that
  // a wall clock stepping back left in the future.
  void PruneIp(IpState& ip, TimePoint now) const {
    for (TimePoint& t : ip.failures) t = std::min(t, now);
    auto first_kept = std::find_if(ip.failures.begin(), ip.failures.end(),
                                   [&](TimePoint t) { return now - t < options.ip_window; });
    ip.failures.erase(ip.failures.begin(), first_kept);
  }

  bool IpIsHot(const IpState& ip) const {
    return ip.last_success.has_value() ||
           static_cast<int>(ip.failures.size()) >= options.ip_max_failures;
  }

  void Sweep(TimePoint now) {
    accounts.Sweep(now);
    ips.Sweep(now);
  }

  const ThrottleOptions options;
  const Clock& clock;
  mutable std::mutex mu;
  Table<AccountState> accounts;
  Table<IpState> ips;
  GlobalCounter global;
};

SignInThrottle::SignInThrottle(ThrottleOptions options, const Clock& clock)
    : impl_(std::make_shared<Impl>(options, clock)) {}

ThrottleDecision SignInThrottle::Check(std::string_view account_key, std::string_view ip) {
  Impl& m = *impl_;
  if (!m.options.enabled) return {};
  std::lock_guard lock(m.mu);
  const TimePoint now = m.clock.Now();
  m.Sweep(now);

  ThrottleDecision decision;
  auto deny = [&](Duration wait, std::string_view reason) {
    seconds retry = WaitSeconds(wait);
    if (decision.allowed || retry > decision.retry_after) decision = {false, retry, reason};
  };

  auto* account = m.accounts.Find(account_key);
  if (account != nullptr && m.InDelayRegime(account->state)) {
    // A wall clock that stepped back must not stretch the delay.
    account->state.last_attempt = std::min(account->state.last_attempt, now);
    TimePoint until = account->state.last_attempt + m.AccountDelay(account->state.consecutive);
    if (now < until) deny(until - now, "account");
  }

  auto* ip_entry = m.ips.Find(ip);
  if (ip_entry != nullptr) {
    IpState& s = ip_entry->state;
    m.PruneIp(s, now);
    auto n = static_cast<int>(s.failures.size());
    if (n >= m.options.ip_max_failures) {
      // The attempt may go ahead once enough failures left the window.
      deny(s.failures[static_cast<std::size_t>(n - m.options.ip_max_failures)] +
               m.options.ip_window - now,
           "ip");
    }
  }

  if (m.global.Tripped(now, m.options.global_min_attempts, m.options.global_max_failure_ratio)) {
    bool known_good = ip_entry != nullptr && ip_entry->state.last_success &&
                      now - *ip_entry->state.last_success < m.options.global_window;
    if (!known_good) {
      // 1–5 s, spread by IP so that turned-away clients do not come back
      // in step.
      deny(seconds(1 + static_cast<std::int64_t>(std::hash<std::string_view>{}(ip) % 5)), "global");
    }
  }

  if (decision.allowed && account != nullptr && m.InDelayRegime(account->state)) {
    // Reserve the attempt: concurrent ones wait out a fresh delay.
    m.accounts.Touch(account_key, now).state.last_attempt = now;
  }
  return decision;
}

bool SignInThrottle::RecordFailure(std::string_view account_key, std::string_view ip) {
  Impl& m = *impl_;
  if (!m.options.enabled) return false;
  std::lock_guard lock(m.mu);
  const TimePoint now = m.clock.Now();
  m.Sweep(now);
  m.global.Add(now, /*failed=*/true);

  auto& ip_entry = m.ips.Touch(ip, now);
  IpState& s = ip_entry.state;
  m.PruneIp(s, now);
  s.failures.push_back(now);
  if (static_cast<int>(s.failures.size()) > m.options.ip_max_failures) {
    s.failures.erase(s.failures.begin());
  }
  m.ips.SetHot(ip_entry, m.IpIsHot(s));

  auto& account = m.accounts.Touch(account_key, now);
  AccountState& a = account.state;
  a.consecutive = std::min(a.consecutive + 1, m.options.account_free_failures + kMaxDoublings);
  a.last_attempt = now;
  if (a.hour_failures == 0 || now - a.hour_start >= kLockoutWindow || now < a.hour_start) {
    a.hour_start = now;
    a.hour_failures = 0;
  }
  ++a.hour_failures;
  m.accounts.SetHot(account, m.InDelayRegime(a));
  return a.hour_failures == m.options.account_lockout_failures;
}

void SignInThrottle::RecordSuccess(std::string_view account_key, std::string_view ip) {
  Impl& m = *impl_;
  if (!m.options.enabled) return;
  std::lock_guard lock(m.mu);
  const TimePoint now = m.clock.Now();
  m.Sweep(now);
  m.global.Add(now, /*failed=*/false);
  m.accounts.Erase(account_key);
  auto& ip_entry = m.ips.Touch(ip, now);
  ip_entry.state.last_success = now;
  m.ips.SetHot(ip_entry, true);
}

void SignInThrottle::ResetAccount(std::string_view account_key) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mu);
  m.accounts.Erase(account_key);
}

std::size_t SignInThrottle::TrackedAccounts() const {
  std::lock_guard lock(impl_->mu);
  return impl_->accounts.size();
}

std::size_t SignInThrottle::TrackedIps() const {
  std::lock_guard lock(impl_->mu);
  return impl_->ips.size();
}

}  // namespace sr::identity
