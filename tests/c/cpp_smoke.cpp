// The header from C++: it must compile as C++ (extern "C" guard, no C-only constructs) and link.
// Shows the idiomatic ownership in C++: unique_ptr with the library's own free functions.
#include <cstdio>
#include <cstring>
#include <memory>

#include "modulpos.h"

namespace {
struct StringFree {
    void operator()(char *s) const { mk_string_free(s); }
};
struct ClientFree {
    void operator()(MkClient *c) const { mk_client_free(c); }
};
using Envelope = std::unique_ptr<char, StringFree>;
using Client = std::unique_ptr<MkClient, ClientFree>;

int failures = 0;

void expect(bool ok, const char *what) {
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) ++failures;
}
}  // namespace

int main() {
    expect(mk_abi_version() == MK_ABI_VERSION, "abi version matches the header");

    MkClient *raw = nullptr;
    Envelope created(mk_client_new("{\"base_url\": \"http://127.0.0.1:9/api/fn\"}", &raw));
    Client client(raw);
    expect(client != nullptr && std::strstr(created.get(), "\"ok\":true"), "mk_client_new");

    Envelope valid(mk_validate(
        "{\"id\":\"cpp-1\",\"docNum\":\"1\",\"docType\":\"SALE\","
        "\"checkoutDateTime\":\"2026-11-28T12:00:00+03:00\",\"email\":\"a@b.ru\","
        "\"inventPositions\":[{\"name\":\"x\",\"price\":1.1,\"quantity\":3,\"vatTag\":1105}],"
        "\"moneyPositions\":[{\"paymentType\":\"CASH\",\"sum\":3.3}]}",
        nullptr));
    expect(std::strstr(valid.get(), "\"ok\":true") != nullptr, "mk_validate of a valid receipt");

    Envelope bad(mk_send_check(client.get(), "{\"id\": 1}"));
    expect(std::strstr(bad.get(), "\"code\":\"validation\"") != nullptr,
           "an invalid receipt is a validation envelope");

    std::printf("C++ header: %d failed\n", failures);
    return failures == 0 ? 0 : 1;
}
