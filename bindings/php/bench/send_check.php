<?php
/**
 * Benchmark of the PHP binding, as ratios against baselines measured in the same run, against the
 * same sandbox (loopback only, bounded counts):
 *
 *   sendCheck            Client::sendCheck($order): the receipt is built, validated in Rust and sent
 *                        through the library's keep-alive agent, with lost-answer recovery;
 *   baseline (Guzzle)    what the original package does per receipt: the document array (shaped by the
 *                        binding's DocumentBuilder, which checks nothing) JSON-encoded and POSTed
 *                        with Guzzle (Debian's php-guzzlehttp-guzzle, keep-alive curl handler), the
 *                        answer json_decoded — with no validation at all;
 *   getStatusDocumentById  against the same GET through Guzzle.
 *
 * Run: bash bindings/php/bench/run.sh (starts a sandbox). Needs php-guzzlehttp-guzzle.
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';
require '/usr/share/php/GuzzleHttp/autoload.php';

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Internal\DocumentBuilder;

const ROUNDS = 5;
const CALLS = 1000;

function order(string $id): Order
{
    $order = Order::create([
        'documentUuid' => $id,
        'checkoutDateTime' => '2026-11-28T12:00:00+03:00',
        'orderId' => 'BENCH-1',
        'typeOperation' => 'SALE',
        'customerContact' => 'buyer@example.com',
    ]);
    for ($i = 0; $i < 5; $i++) {
        $order->addItem(OrderItem::create(['price' => 99.90, 'quantity' => 2, 'vatTag' => OrderItem::VAT_20, 'name' => "Товар $i"]));
    }
    $order->addPaymentItem(PaymentItem::create(['type' => 'CARD', 'sum' => 999]));
    return $order;
}

/** Median of per-round (subject / baseline) ratios and of per-call times, alternating rounds. */
function compare(string $name, callable $baseline, callable $subject): void
{
    $b = $s = $r = [];
    for ($round = 0; $round < ROUNDS; $round++) {
        $t = hrtime(true);
        for ($i = 0; $i < CALLS; $i++) {
            $baseline();
        }
        $bt = (hrtime(true) - $t) / CALLS / 1000;
        $t = hrtime(true);
        for ($i = 0; $i < CALLS; $i++) {
            $subject();
        }
        $st = (hrtime(true) - $t) / CALLS / 1000;
        $b[] = $bt;
        $s[] = $st;
        $r[] = $st / $bt;
    }
    $median = static function (array $v): float {
        sort($v);
        return $v[intdiv(count($v), 2)];
    };
    printf("%-40s baseline %8.1f µs/call   subject %8.1f µs/call   ratio %5.2f×\n", $name, $median($b), $median($s), $median($r));
}

$base = getenv('MODULPOS_TEST_BASE_URL');
$credentials = (new Associate(getenv('MODULPOS_LOGIN'), getenv('MODULPOS_PASSWORD'), getenv('MODULPOS_RETAIL_POINT_UUID'), true))->init();
$client = new Client($credentials['userName'], $credentials['password'], true);
$guzzle = new \GuzzleHttp\Client(['base_uri' => rtrim($base, '/') . '/', 'auth' => [$credentials['userName'], $credentials['password']]]);

$run = bin2hex(random_bytes(4));
$n = 0;
$nextId = static function () use ($run, &$n): string {
    $n++;
    return "php-bench-$run-$n";
};

echo 'modulpos PHP binding benchmark (' . ROUNDS . ' alternating rounds of ' . CALLS . " calls, medians)\n";
compare(
    'sendCheck vs Guzzle POST (no validation)',
    static function () use ($guzzle, $nextId): void {
        $document = DocumentBuilder::build(order($nextId()));
        $response = $guzzle->post('v2/doc', ['json' => $document]);
        json_decode((string) $response->getBody(), true, 512, JSON_THROW_ON_ERROR);
    },
    static function () use ($client, $nextId): void {
        $client->sendCheck(order($nextId()));
    }
);
$id = $nextId();
$client->sendCheck(order($id));
compare(
    'getStatusDocumentById vs Guzzle GET',
    static function () use ($guzzle, $id): void {
        $response = $guzzle->get("v1/doc/$id/status");
        json_decode((string) $response->getBody(), true, 512, JSON_THROW_ON_ERROR);
    },
    static function () use ($client, $id): void {
        $client->getStatusDocumentById($id);
    }
);
