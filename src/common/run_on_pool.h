#pragma once
// RunOnPool runs CPU-heavy work on a thread pool and resumes the awaiting
// coroutine on its own executor, so an io thread keeps serving (and, with
// double buffering, keeps sending) while the work runs elsewhere.

#include <utility>  // Boost 1.74's awaitable.hpp needs it first.

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sr {

// RunOnPool runs `fn` (returning T; it must not throw) on `pool` and
// completes on the caller's executor, keeping that executor's io_context
// busy meanwhile. asio::post(pool, use_awaitable) would not do: it resumes
// the coroutine on its own executor and `fn` would run there.
//
// Not a coroutine, and callers should pass a named `fn`: g++ 12 destroys a
// lambda's captures twice when it is created in the same full-expression as
// a co_await.
template <typename T, typename Fn>
boost::asio::awaitable<T> RunOnPool(boost::asio::thread_pool::executor_type pool, Fn fn) {
  namespace asio = boost::asio;
  auto initiation = [pool, fn = std::move(fn)](auto handler) mutable {
    auto home = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
    asio::post(pool, [handler = std::move(handler), home = std::move(home),
                      fn = std::move(fn)]() mutable {
      T result = fn();
      asio::post(home, [handler = std::move(handler), result = std::move(result)]() mutable {
        handler(std::move(result));
      });
    });
  };
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(std::move(initiation),
                                                                       asio::use_awaitable);
}

}  // namespace sr
