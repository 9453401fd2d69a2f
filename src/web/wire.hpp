// What the server and TestClient share: a request from the wire, a response to the wire.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "kit/web/http.hpp"

namespace kit::web::detail {

// set_target(request, target): path (percent-decoded, bad UTF-8 as U+FFFD) and query from a
// request target; false for one that is neither origin-form ("/a?b") nor absolute-form.
[[nodiscard]] bool set_target(Request& request, std::string_view target);

// to_request(message, client): the Request for a parsed message; none for a bad target.
[[nodiscard]] std::optional<Request> to_request(
    boost::beast::http::request<boost::beast::http::string_body>&& message, std::string client);

// status_for(parse error, received): the status to answer a request the parser refused with
// (431, 413, 505 for a well-formed version other than 1.x, 400), or 0 when there is nobody to
// answer (the client left, a timeout). `received`: the bytes read so far (the request line).
[[nodiscard]] int status_for(const boost::beast::error_code& ec, std::string_view received);

// head(response, ...): the status line and header fields, with Content-Length (the body's size,
// also for HEAD), Date and Connection as needed.
[[nodiscard]] std::string head(const Response& response, std::uint64_t body_size, bool keep_alive,
                               unsigned version);

// body_size(response): the length of the body, wherever it lives.
[[nodiscard]] std::uint64_t body_size(const Response& response);

// bodiless(status): 1xx, 204 and 304 have no body and no Content-Length.
[[nodiscard]] inline bool bodiless(int status) {
  return status < 200 || status == 204 || status == 304;
}

}  // namespace kit::web::detail
