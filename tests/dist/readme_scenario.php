<?php
/**
 * The original package's README scenario (bigperson/modulpos-php-api-client), statement for
 * statement, run against an installed copy of the package:
 *
 *   php readme_scenario.php /path/to/shop/vendor/autoload.php
 *
 * with MODULPOS_LOGIN, MODULPOS_PASSWORD, MODULPOS_RETAIL_POINT_UUID and MODULPOS_TEST_BASE_URL set
 * (a sandbox). Prints one line per step and where the native library was loaded from; exits
 * non-zero on the first failed expectation.
 */

require $argv[1];

use Bigperson\ModulposApiClient\Entity\Cashier;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;

function expect(bool $condition, string $what): void
{
    if (!$condition) {
        fwrite(STDERR, "FAILED: $what\n");
        exit(1);
    }
    echo "ok: $what\n";
}

// "Создания связки аккаунта и розничной точки"
$login = getenv('MODULPOS_LOGIN');
$password = getenv('MODULPOS_PASSWORD');
$retailPointUuid = getenv('MODULPOS_RETAIL_POINT_UUID');
$testMode = true;
$associate = new \Bigperson\ModulposApiClient\Associate($login, $password, $retailPointUuid, $testMode);
$result = $associate->init();
expect(isset($result['userName'], $result['password']), 'associate returns userName and password');

// "Отправка данных чека на сервер фискализации"
$dateTime = new \DateTime('NOW');
$order = Order::create([
    'documentUuid'     => uniqid(),
    'checkoutDateTime' => $dateTime->format(DATE_RFC3339),
    'orderId'          => rand(100000, 999999),
    'typeOperation'    => 'SALE',
    'customerContact'  => 'test@example.com',
]);
$orderItem1 = OrderItem::create([
    'price' => 100,
    'quantity' => 1,
    'vatTag' => OrderItem::VAT_NO,
    'name' => 'Test Product1',
]);
$orderItem2 = OrderItem::create([
    'price' => 200,
    'quantity' => 1,
    'vatTag' => OrderItem::VAT_NO,
    'name' => 'Test Product2',
]);
$paymentItem = PaymentItem::create([
    'type' => 'CARD',
    'sum' => 300,
]);
$order->addItem($orderItem1);
$order->addItem($orderItem2);
$order->addPaymentItem($paymentItem);
$cashier = Cashier::create([
    'name' => 'Test Cashier',
    'inn' => '123456789012',
    'position' => 'salesman',
]);

$login = $result['userName'];
$password = $result['password'];
$client = new \Bigperson\ModulposApiClient\Client($login, $password, $testMode);
$responseUrl = 'https://internet.shop.ru/order/982340931/checkout?completed=1';
$printReceipt = true;
// As in tests/Binding/OriginalReadmeTest.php: the README's cashier INN '123456789012' has a wrong
// check digit, which the library refuses (bindings/php/README.md, "Migrating"), so it is not passed.
$result = $client->sendCheck($order, $responseUrl, $printReceipt);
expect($result['status'] === 'QUEUED', 'sendCheck answers QUEUED');

// "Проверка статуса документа"
$documentId = $order->getDocumentUuid();
$client = new \Bigperson\ModulposApiClient\Client($login, $password, $testMode);
$result = $client->getStatusDocumentById($documentId);
expect(in_array($result['status'], ['QUEUED', 'PENDING', 'PRINTED', 'COMPLETED', 'FAILED'], true), "document status {$result['status']}");

// "Проверка статуса фискального накопителя"
$client = new \Bigperson\ModulposApiClient\Client($login, $password, $testMode);
$result = $client->getStatusFiscalService();
expect(isset($result['status']), "fiscal service status {$result['status']}");

echo 'library: ', \Bigperson\ModulposApiClient\Internal\Library::origin(), "\n";
