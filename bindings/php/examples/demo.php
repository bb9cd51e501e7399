<?php
/**
 * The whole flow a shop goes through, in test mode, with the original package's API:
 * associate the retail point → send a receipt → follow its status to the end → ask the
 * fiscal-service status.
 *
 *   MODULPOS_LOGIN=... MODULPOS_PASSWORD=... MODULPOS_RETAIL_POINT_UUID=... \
 *   MODULPOS_TEST_BASE_URL=http://127.0.0.1:PORT/api/fn php bindings/php/examples/demo.php
 *
 * (examples/demo.sh starts a sandbox and sets these.) Without MODULPOS_TEST_BASE_URL, test mode
 * talks to the real test service, https://demo.modulpos.ru/api/fn.
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Config;
use Bigperson\ModulposApiClient\Entity\Cashier;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Exceptions\ModulposException;

function step(string $title): void
{
    echo "\n== $title\n";
}

function show(string $label, $value): void
{
    printf("   %-18s %s\n", $label . ':', is_scalar($value) || $value === null ? var_export($value, true) : json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES));
}

$login = getenv('MODULPOS_LOGIN');
$password = getenv('MODULPOS_PASSWORD');
$retailPointUuid = getenv('MODULPOS_RETAIL_POINT_UUID');
if (!$login || !$password || !$retailPointUuid) {
    fwrite(STDERR, "set MODULPOS_LOGIN, MODULPOS_PASSWORD and MODULPOS_RETAIL_POINT_UUID (examples/demo.sh does it for the sandbox)\n");
    exit(2);
}
$testMode = true;

try {
    echo 'modulpos library ', Config::getLibraryVersion(), ', test mode, API ', getenv('MODULPOS_TEST_BASE_URL') ?: Config::BASE_TEST_URI, "\n";

    step('1. Associate the online shop with the retail point');
    $associate = new Associate($login, $password, $retailPointUuid, $testMode);
    $association = $associate->init();
    show('userName', $association['userName']);
    show('password', str_repeat('*', strlen($association['password'])) . ' (keep it with userName)');
    show('retail point', trim(($association['name'] ?? '') . ', ' . ($association['address'] ?? ''), ', '));

    step('2. Send a receipt');
    date_default_timezone_set('Europe/Moscow');
    $order = Order::create([
        'documentUuid' => sprintf('demo-%s', bin2hex(random_bytes(8))),
        'checkoutDateTime' => (new DateTime('now'))->format(DATE_RFC3339),
        'orderId' => rand(100000, 999999),
        'typeOperation' => 'SALE',
        'customerContact' => 'buyer@example.com',
        'taxMode' => 'SIMPLIFIED',
    ]);
    $order->addItem(OrderItem::create(['name' => 'Чай зелёный, 100 г', 'price' => '249.90', 'quantity' => 2, 'vatTag' => OrderItem::VAT_NO]));
    $order->addItem(OrderItem::create(['name' => 'Кружка', 'price' => 300, 'quantity' => 1, 'vatTag' => OrderItem::VAT_NO, 'discSum' => '49.80']));
    $order->addPaymentItem(PaymentItem::create(['type' => 'CARD', 'sum' => '750.00']));
    $cashier = Cashier::create(['name' => 'Интернет-магазин', 'position' => 'кассир']);

    $client = new Client($association['userName'], $association['password'], $testMode);
    $sent = $client->sendCheck($order, null, false, $cashier);
    show('documentUuid', $order->getDocumentUuid());
    show('status', $sent['status']);
    show('message', $sent['message'] ?? null);

    step('3. Follow the document to a final status');
    $final = ['PRINTED', 'COMPLETED', 'FAILED'];
    $last = $sent['status'];
    $deadline = microtime(true) + 60;
    do {
        $status = $client->getStatusDocumentById($order->getDocumentUuid());
        if ($status['status'] !== $last) {
            show('status', $status['status'] . (isset($status['message']) ? ' — ' . $status['message'] : ''));
            $last = $status['status'];
        }
        if (in_array($status['status'], $final, true)) {
            break;
        }
        usleep(200000);
    } while (microtime(true) < $deadline);
    if (!in_array($status['status'], $final, true)) {
        throw new RuntimeException("the document is still {$status['status']} after 60 s");
    }
    if ($status['status'] === 'FAILED') {
        show('failure', $status['failureInfo'] ?? null);
    } else {
        $fiscal = $status['fiscalInfo'] ?? [];
        show('receipt number', $fiscal['checkNumber'] ?? null);
        show('shift', $fiscal['shiftNumber'] ?? null);
        show('fiscal sign (ФПД)', $fiscal['fnDocMark'] ?? null);
        show('QR', $fiscal['qr'] ?? null);
    }

    step('4. Fiscal-service status');
    $service = $client->getStatusFiscalService();
    show('status', $service['status']);
    show('dateTime', $service['dateTime'] ?? null);

    echo "\ndone\n";
    exit($status['status'] === 'FAILED' ? 1 : 0);
} catch (ModulposException $e) {
    fwrite(STDERR, sprintf(
        "\nfailed: %s\n  code %s, HTTP %s, retryable %s%s\n",
        $e->getMessage(),
        $e->getErrorCode(),
        $e->getHttpStatus() ?? '-',
        $e->isRetryable() ? 'yes' : 'no',
        $e->getField() !== null ? ', field ' . $e->getField() : ''
    ));
    exit(1);
}
