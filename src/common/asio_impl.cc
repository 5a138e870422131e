// The one translation unit holding Boost.Asio's and Boost.Beast's compiled
// parts (BOOST_*_SEPARATE_COMPILATION), so other files only parse headers.
#include <utility>

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
