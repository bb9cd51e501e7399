/*
 * The C SDK's example: send one receipt and read its status.
 *
 *   cc send_receipt.c $(pkg-config --cflags --libs modulpos) -o send_receipt
 *   MODULPOS_TEST_BASE_URL=http://127.0.0.1:8080/api/fn ./send_receipt LOGIN PASSWORD
 *
 * With test_mode the library talks to MODULPOS_TEST_BASE_URL when it is set (a modulpos-sandbox),
 * else to the service's demo stand. Every envelope is freed with mk_string_free.
 */
#include <modulpos.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static int show(const char *what, char *envelope) {
    int ok = envelope != NULL && strncmp(envelope, "{\"ok\":true", 10) == 0;
    printf("%s: %s\n", what, envelope ? envelope : "(null)");
    mk_string_free(envelope);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s LOGIN PASSWORD\n", argv[0]);
        return 2;
    }
    printf("modulpos %s (ABI %u, header ABI %d)\n", mk_version(), mk_abi_version(), MK_ABI_VERSION);
    if (mk_abi_version() != MK_ABI_VERSION) {
        fprintf(stderr, "the library's ABI differs from the header's\n");
        return 1;
    }

    char config[512];
    snprintf(config, sizeof config, "{\"login\":\"%s\",\"password\":\"%s\",\"test_mode\":true}", argv[1], argv[2]);
    MkClient *client = NULL;
    if (!show("client", mk_client_new(config, &client))) {
        return 1;
    }

    char id[64];
    snprintf(id, sizeof id, "c-example-%ld", (long)time(NULL));
    char receipt[1024];
    snprintf(receipt, sizeof receipt,
             "{\"id\":\"%s\",\"docNum\":\"C-1\",\"docType\":\"SALE\","
             "\"checkoutDateTime\":\"2026-11-28T10:00:00+03:00\",\"email\":\"buyer@example.com\","
             "\"inventPositions\":[{\"name\":\"Tea\",\"price\":100,\"quantity\":1,\"vatTag\":1105}],"
             "\"moneyPositions\":[{\"paymentType\":\"CARD\",\"sum\":100}]}",
             id);
    int ok = show("send", mk_send_check(client, receipt)) && show("status", mk_status(client, id));
    mk_client_free(client);
    return ok ? 0 : 1;
}
