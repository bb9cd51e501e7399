"""The C ABI used through dlopen from Python's ctypes, the way any non-C host would use it.

Owned strings come back as c_void_p (a c_char_p result would become bytes and lose the pointer, so it
could never be freed) and are always released with mk_string_free. Needs a running sandbox: the
environment of scripts/sandbox.sh (MODULPOS_TEST_BASE_URL, MODULPOS_LOGIN, ...).
"""

import ctypes
import json
import os
import pathlib
import threading
import time
import unittest
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIB_PATH = os.environ.get("MODULPOS_FFI_LIB", str(ROOT / "target" / "release" / "libmodulpos.so"))


def load_library(path):
    lib = ctypes.CDLL(path)
    c_str, owned, handle = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p
    signatures = {
        "mk_client_new": ([c_str, ctypes.POINTER(handle)], owned),
        "mk_client_free": ([handle], None),
        "mk_associate": ([handle, c_str], owned),
        "mk_delete_association": ([handle], owned),
        "mk_service_status": ([handle], owned),
        "mk_send_check": ([handle, c_str], owned),
        "mk_status": ([handle, c_str], owned),
        "mk_requeue": ([handle, c_str], owned),
        "mk_validate": ([c_str, c_str], owned),
        "mk_tables": ([], owned),
        "mk_string_free": ([owned], None),
        "mk_version": ([], c_str),
        "mk_abi_version": ([], ctypes.c_uint32),
    }
    for name, (argtypes, restype) in signatures.items():
        fn = getattr(lib, name)
        fn.argtypes = argtypes
        fn.restype = restype
    return lib


LIB = load_library(LIB_PATH)


def envelope(ptr):
    """Decode an owned envelope and free it."""
    assert ptr, "an envelope is never NULL"
    try:
        return json.loads(ctypes.string_at(ptr).decode("utf-8"))
    finally:
        LIB.mk_string_free(ptr)


def arg(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        value = json.dumps(value)
    return value.encode("utf-8")


def new_client(config):
    out = ctypes.c_void_p()
    env = envelope(LIB.mk_client_new(arg(config), ctypes.byref(out)))
    return env, out


def receipt(doc_id=None, **overrides):
    doc = {
        "id": doc_id or str(uuid.uuid4()),
        "docNum": "PY-1",
        "docType": "SALE",
        "checkoutDateTime": "2026-11-28T12:00:00+03:00",
        "email": "buyer@example.com",
        "taxMode": "SIMPLIFIED",
        "inventPositions": [
            {"name": "Чай зелёный", "price": 0.1 + 0.2, "quantity": 3, "vatTag": 1105},
            {"name": "Кружка", "price": 199.99, "quantity": 1, "discSum": 9.99, "vatTag": 1102},
        ],
        "moneyPositions": [{"paymentType": "CARD", "sum": 190.9}],
    }
    doc.update(overrides)
    return doc


class AbiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env, anon = new_client({"test_mode": True})
        assert env["ok"], env
        assoc = envelope(LIB.mk_associate(anon, arg({
            "login": os.environ["MODULPOS_LOGIN"],
            "password": os.environ["MODULPOS_PASSWORD"],
            "retail_point_id": os.environ["MODULPOS_RETAIL_POINT_UUID"],
        })))
        LIB.mk_client_free(anon)
        assert assoc["ok"], assoc
        cls.credentials = assoc["data"]
        env, cls.client = new_client({
            "test_mode": True,
            "login": cls.credentials["userName"],
            "password": cls.credentials["password"],
            "retry_backoff_ms": 10,
        })
        assert env["ok"], env

    @classmethod
    def tearDownClass(cls):
        LIB.mk_client_free(cls.client)

    def test_versions(self):
        self.assertEqual(LIB.mk_abi_version(), 1)
        self.assertRegex(LIB.mk_version().decode(), r"^\d+\.\d+\.\d+")

    def test_send_and_follow_a_receipt_to_printed(self):
        doc = receipt()
        sent = envelope(LIB.mk_send_check(self.client, arg(doc)))
        self.assertTrue(sent["ok"], sent)
        self.assertEqual(sent["data"]["document_id"], doc["id"])
        self.assertEqual(sent["data"]["delivery"]["outcome"], "accepted")
        deadline = time.monotonic() + 10
        while True:
            status = envelope(LIB.mk_status(self.client, arg(doc["id"])))
            self.assertTrue(status["ok"], status)
            if status["data"]["status"] in ("PRINTED", "COMPLETED", "FAILED"):
                break
            self.assertLess(time.monotonic(), deadline, status)
            time.sleep(0.02)
        self.assertEqual(status["data"]["status"], "PRINTED")
        self.assertIn("qr", status["data"]["fiscalInfo"])

    def test_service_status(self):
        status = envelope(LIB.mk_service_status(self.client))
        self.assertTrue(status["ok"], status)
        self.assertIn(status["data"]["status"], ("READY", "ASSOCIATED", "DISABLED", "FAILED"))
        self.assertIsInstance(status["data"]["dateTime"], str)

    def test_float_noise_is_read_as_kopecks_and_a_real_third_decimal_is_rejected(self):
        ok = envelope(LIB.mk_validate(arg(receipt()), None))
        self.assertTrue(ok["ok"], ok)
        bad = receipt()
        bad["inventPositions"][1]["price"] = 199.995
        err = envelope(LIB.mk_validate(arg(bad), None))
        self.assertFalse(err["ok"])
        self.assertEqual(err["error"]["code"], "validation")
        self.assertEqual(err["error"]["field"], "inventPositions[1].price")
        self.assertEqual(err["error"]["issues"][0]["rule"], "decimals")

    def test_totals_mismatch_is_rejected_before_sending(self):
        bad = receipt(moneyPositions=[{"paymentType": "CARD", "sum": 190.0}])
        err = envelope(LIB.mk_send_check(self.client, arg(bad)))
        self.assertFalse(err["ok"])
        self.assertEqual(err["error"]["code"], "validation")
        self.assertEqual(err["error"]["field"], "moneyPositions")
        self.assertFalse(err["error"]["retryable"])

    def test_bad_inputs_come_back_as_envelopes(self):
        for ptr in (
            LIB.mk_send_check(self.client, None),
            LIB.mk_send_check(None, arg(receipt())),
            LIB.mk_send_check(self.client, b"\xff\xfe not utf-8"),
            LIB.mk_send_check(self.client, b"{not json"),
            LIB.mk_send_check(self.client, b"[" * 100000),
            LIB.mk_send_check(self.client, b"42"),
            LIB.mk_status(self.client, None),
            LIB.mk_validate(None, None),
        ):
            env = envelope(ptr)
            self.assertFalse(env["ok"])
            self.assertIn(env["error"]["code"], ("invalid_argument", "validation"))
        env, handle = new_client("{\"no_such_key\": 1}")
        self.assertFalse(env["ok"])
        self.assertEqual(env["error"]["code"], "invalid_argument")
        self.assertFalse(handle)
        LIB.mk_string_free(None)
        LIB.mk_client_free(None)

    def test_wrong_password_is_authentication_and_never_echoed(self):
        env, client = new_client({"test_mode": True, "login": "nobody", "password": "s3cret-Pa55"})
        self.assertTrue(env["ok"], env)
        try:
            err = envelope(LIB.mk_service_status(client))
        finally:
            LIB.mk_client_free(client)
        self.assertFalse(err["ok"])
        self.assertEqual(err["error"]["code"], "authentication")
        self.assertEqual(err["error"]["http_status"], 401)
        self.assertNotIn("s3cret-Pa55", json.dumps(err))

    def test_one_handle_shared_by_threads(self):
        ids, results = [str(uuid.uuid4()) for _ in range(16)], {}

        def send(doc_id):
            results[doc_id] = envelope(LIB.mk_send_check(self.client, arg(receipt(doc_id))))

        threads = [threading.Thread(target=send, args=(i,)) for i in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for doc_id in ids:
            self.assertTrue(results[doc_id]["ok"], results[doc_id])
            self.assertEqual(results[doc_id]["data"]["document_id"], doc_id)

    def test_tables(self):
        tables = envelope(LIB.mk_tables())
        self.assertTrue(tables["ok"])
        codes = [row["code"] for row in tables["data"]["vat_tags"]]
        self.assertIn(1105, codes)
        self.assertIn(1113, codes)


if __name__ == "__main__":
    unittest.main()
