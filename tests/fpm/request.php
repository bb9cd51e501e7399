<?php
/**
 * One web request of a shop under PHP-FPM (tests/fpm/run.sh): a new Client with the association
 * credentials from the FastCGI params, send a receipt, read its status. Answers one line:
 *   ok <worker pid> <status after send> <status read> origin=<where the library came from>
 * or the exception's class, code and message. The classes come from opcache.preload when it ran,
 * else from the package's autoloader.
 */

declare(strict_types=1);

use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Internal\Library;

header('Content-Type: text/plain');
if (!class_exists(Client::class, false)) {
    require __DIR__ . '/vendor/autoload.php';
}

try {
    $id = 'fpm-' . getmypid() . '-' . bin2hex(random_bytes(6));
    $order = Order::create([
        'documentUuid' => $id,
        'checkoutDateTime' => date(DATE_RFC3339),
        'orderId' => 1001,
        'typeOperation' => 'SALE',
        'customerContact' => 'buyer@example.com',
    ]);
    $order->addItem(OrderItem::create(['price' => 120.50, 'quantity' => 2, 'vatTag' => OrderItem::VAT_NO, 'name' => 'Tea']));
    $order->addPaymentItem(PaymentItem::create(['type' => 'CARD', 'sum' => 241]));

    $client = new Client((string) $_SERVER['SHOP_LOGIN'], (string) $_SERVER['SHOP_PASSWORD'], true);
    $sent = $client->sendCheck($order);
    $read = $client->getStatusDocumentById($id);
    echo 'ok ', getmypid(), ' ', $sent['status'], ' ', $read['status'], ' origin=', Library::origin(), "\n";
} catch (\Throwable $e) {
    $code = method_exists($e, 'getErrorCode') ? $e->getErrorCode() : '';
    echo get_class($e), ' ', $code, ': ', $e->getMessage(), "\n";
}
