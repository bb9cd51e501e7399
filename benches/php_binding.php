<?php
/**
 * Benchmark of the PHP binding in client CPU per call (getrusage of this PHP process, which also
 * runs the Rust library), as ratios against baselines run side by side against the same sandbox:
 *
 *   ext-curl (the floor)   a hand-written shop: the document array json_encode'd, POSTed on one
 *                          keep-alive curl handle, the answer json_decode'd; no validation, no entities;
 *   Guzzle                 what the original package does per receipt: the array built from the Order
 *                          (by the binding's DocumentBuilder, which checks nothing), POSTed with Guzzle
 *                          (Debian's php-guzzlehttp-guzzle, keep-alive curl handler), json_decode'd;
 *   binding                Client::sendCheck($order): built, validated in Rust, sent exactly-once;
 *   getStatusDocumentById  against the same GET through ext-curl and Guzzle.
 *
 * Receipts of 1, 5 and 100 lines; each arm gets a fresh document id per call (set on one prepared
 * Order / array, equally cheap in every arm). Then RSS over BENCH_RSS_CALLS (default 100,000)
 * sendCheck calls in this process.
 *
 * Run: bash benches/run.sh (builds, starts the sandbox, runs this and the Rust benchmark).
 */

declare(strict_types=1);

require __DIR__ . '/../bindings/php/autoload.php';
require '/usr/share/php/GuzzleHttp/autoload.php';

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Internal\DocumentBuilder;

const ROUNDS = 5;
const JSON_FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR;

$calls = (int) (getenv('BENCH_CALLS') ?: 2000);
$rssCalls = (int) (getenv('BENCH_RSS_CALLS') ?: 100000);

function order(int $lines): Order
{
    $order = Order::create([
        'documentUuid' => 'unset',
        'checkoutDateTime' => '2026-11-28T12:00:00+03:00',
        'orderId' => 'BENCH-1',
        'typeOperation' => 'SALE',
        'customerContact' => 'buyer@example.com',
    ]);
    for ($i = 0; $i < $lines; $i++) {
        $order->addItem(OrderItem::create(['price' => 99.90, 'quantity' => 2, 'vatTag' => OrderItem::VAT_20, 'name' => "Товар №$i — чай листовой, 100 г"]));
    }
    $order->addPaymentItem(PaymentItem::create(['type' => 'CARD', 'sum' => round(199.80 * $lines, 2)]));

    return $order;
}

/** CPU time of this process (user + system), in µs. */
function cpuMicros(): float
{
    $u = getrusage();

    return $u['ru_utime.tv_sec'] * 1e6 + $u['ru_utime.tv_usec'] + $u['ru_stime.tv_sec'] * 1e6 + $u['ru_stime.tv_usec'];
}

function rssKib(): int
{
    $status = (string) file_get_contents('/proc/self/status');

    return preg_match('/^VmRSS:\s+(\d+) kB/m', $status, $m) === 1 ? (int) $m[1] : 0;
}

/** @return array{float, float} CPU and wall µs per call */
function measure(int $calls, callable $f): array
{
    $cpu = cpuMicros();
    $wall = hrtime(true);
    for ($i = 0; $i < $calls; $i++) {
        $f();
    }

    return [(cpuMicros() - $cpu) / $calls, (hrtime(true) - $wall) / 1000 / $calls];
}

function median(array $v): float
{
    sort($v);

    return $v[intdiv(count($v), 2)];
}

/**
 * Every arm once per round, alternating; the first arm is the reference of the ratios.
 *
 * @param array<string, callable> $arms
 */
function compare(string $title, int $calls, array $arms): void
{
    foreach ($arms as $f) {
        measure(max(1, intdiv($calls, 10)), $f); // warm-up, not reported
    }
    $cpu = $wall = $ratio = [];
    for ($round = 0; $round < ROUNDS; $round++) {
        $first = null;
        foreach ($arms as $name => $f) {
            [$c, $w] = measure($calls, $f);
            $first ??= $c;
            $cpu[$name][] = $c;
            $wall[$name][] = $w;
            $ratio[$name][] = $c / $first;
        }
    }
    echo "$title\n";
    foreach ($arms as $name => $f) {
        printf("  %-34s cpu %8.2f µs/call  wall %8.2f µs/call  cpu ratio %5.2f×\n", $name, median($cpu[$name]), median($wall[$name]), median($ratio[$name]));
    }
}

$base = rtrim((string) getenv('MODULPOS_TEST_BASE_URL'), '/');
$credentials = (new Associate(getenv('MODULPOS_LOGIN'), getenv('MODULPOS_PASSWORD'), getenv('MODULPOS_RETAIL_POINT_UUID'), true))->init();
$client = new Client($credentials['userName'], $credentials['password'], true);
$guzzle = new \GuzzleHttp\Client(['base_uri' => $base . '/', 'auth' => [$credentials['userName'], $credentials['password']]]);
$authorization = 'Authorization: Basic ' . base64_encode($credentials['userName'] . ':' . $credentials['password']);

$post = curl_init();
curl_setopt_array($post, [
    CURLOPT_URL => "$base/v2/doc",
    CURLOPT_POST => true,
    CURLOPT_RETURNTRANSFER => true,
    // No "Expect: 100-continue" for bodies over 1 KiB: one round trip, as Guzzle does.
    CURLOPT_HTTPHEADER => [$authorization, 'Content-Type: application/json; charset=utf-8', 'Accept: application/json', 'Expect:'],
]);
$get = curl_init();
curl_setopt_array($get, [
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_HTTPHEADER => [$authorization, 'Accept: application/json'],
]);

$run = bin2hex(random_bytes(4));
$n = 0;
$nextId = static function () use ($run, &$n): string {
    return "php-bench-$run-" . (++$n);
};

echo 'modulpos PHP binding benchmark: client CPU per call (getrusage), ' . ROUNDS . " alternating rounds of $calls calls, medians; ratio = arm / first arm\n";
foreach ([1, 5, 100] as $lines) {
    $order = order($lines);
    $array = DocumentBuilder::build($order);
    compare(
        "sendCheck, $lines-line receipt (" . strlen(json_encode($array, JSON_FLAGS)) . ' bytes)',
        $lines >= 100 ? max(1, intdiv($calls, 5)) : $calls, // a 100-line receipt costs ~20× a 5-line one
        [
            'ext-curl POST (floor)' => static function () use ($post, $array, $nextId): void {
                $array['id'] = $nextId();
                curl_setopt($post, CURLOPT_POSTFIELDS, json_encode($array, JSON_FLAGS));
                $body = curl_exec($post);
                if (curl_getinfo($post, CURLINFO_RESPONSE_CODE) !== 200) {
                    throw new RuntimeException("ext-curl POST: $body");
                }
                json_decode($body, true, 512, JSON_THROW_ON_ERROR);
            },
            'Guzzle POST (original package)' => static function () use ($guzzle, $order, $nextId): void {
                $order->setDocumentUuid($nextId());
                $response = $guzzle->post('v2/doc', ['json' => DocumentBuilder::build($order)]);
                json_decode((string) $response->getBody(), true, 512, JSON_THROW_ON_ERROR);
            },
            'binding sendCheck' => static function () use ($client, $order, $nextId): void {
                $order->setDocumentUuid($nextId());
                $client->sendCheck($order);
            },
        ]
    );
}

$id = $nextId();
$order = order(5);
$order->setDocumentUuid($id);
$client->sendCheck($order);
curl_setopt($get, CURLOPT_URL, "$base/v1/doc/$id/status");
compare(
    'getStatusDocumentById',
    $calls,
    [
        'ext-curl GET (floor)' => static function () use ($get): void {
            $body = curl_exec($get);
            if (curl_getinfo($get, CURLINFO_RESPONSE_CODE) !== 200) {
                throw new RuntimeException("ext-curl GET: $body");
            }
            json_decode($body, true, 512, JSON_THROW_ON_ERROR);
        },
        'Guzzle GET (original package)' => static function () use ($guzzle, $id): void {
            $response = $guzzle->get("v1/doc/$id/status");
            json_decode((string) $response->getBody(), true, 512, JSON_THROW_ON_ERROR);
        },
        'binding getStatusDocumentById' => static function () use ($client, $id): void {
            $client->getStatusDocumentById($id);
        },
    ]
);

$order = order(5);
$marks = [[0, rssKib(), memory_get_usage()]];
$cpu = cpuMicros();
$wall = hrtime(true);
$step = max(1, intdiv($rssCalls, 4));
for ($i = 1; $i <= $rssCalls; $i++) {
    $order->setDocumentUuid($nextId());
    $client->sendCheck($order);
    if ($i % $step === 0 || $i === $rssCalls) {
        $marks[] = [$i, rssKib(), memory_get_usage()];
    }
}
printf(
    "memory: %d sendCheck calls (5 lines), cpu %.2f µs/call, wall %.2f µs/call; RSS KiB (PHP heap KiB): %s\n",
    $rssCalls,
    (cpuMicros() - $cpu) / max(1, $rssCalls),
    (hrtime(true) - $wall) / 1000 / max(1, $rssCalls),
    implode('  ', array_map(static fn ($m) => sprintf('%d→%d (%d)', $m[0], $m[1], intdiv($m[2], 1024)), $marks))
);
