<?php
/**
 * The outbox path (cli/README.md, "Outbox"): a shop saves an order and enqueues its receipt in ONE
 * database transaction; the `modulpos worker` sends it. Here on SQLite:
 *
 *   php bindings/php/examples/outbox.php enqueue DB_FILE   # two orders: one committed, one rolled back
 *   php bindings/php/examples/outbox.php status DB_FILE    # what the outbox says about each
 *
 * tests/demo.sh runs it around `modulpos worker --database sqlite:DB_FILE --config FILE --once`.
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Outbox;

[$script, $command, $file] = $argv + [null, null, null];
if (!in_array($command, ['enqueue', 'status'], true) || !is_string($file)) {
    fwrite(STDERR, "usage: php $script enqueue|status DB_FILE\n");
    exit(2);
}

$pdo = new PDO("sqlite:$file", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$outbox = new Outbox($pdo);

function receipt(string $orderId): Order
{
    $order = Order::create([
        'documentUuid' => bin2hex(random_bytes(16)),
        'checkoutDateTime' => date('c'),
        'orderId' => $orderId,
        'typeOperation' => 'SALE',
        'customerContact' => 'buyer@example.com',
    ]);
    $order->addItem(OrderItem::create(['price' => '149.90', 'quantity' => 2, 'vatTag' => OrderItem::VAT_NO, 'name' => 'Чай улун']));
    $order->addPaymentItem(PaymentItem::create(['type' => 'CARD', 'sum' => '299.80']));

    return $order;
}

if ($command === 'enqueue') {
    $outbox->install();
    $pdo->exec('CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, receipt_id TEXT NOT NULL, total TEXT NOT NULL)');
    foreach (['ORDER-1' => 'commit', 'ORDER-2' => 'roll back'] as $orderId => $end) {
        $pdo->beginTransaction();
        $id = $outbox->enqueue(receipt($orderId));
        $pdo->prepare('INSERT INTO orders VALUES (?, ?, ?)')->execute([$orderId, $id, '299.80']);
        $end === 'commit' ? $pdo->commit() : $pdo->rollBack();
        echo "   $orderId: receipt $id enqueued, transaction: $end\n";
    }
    exit(0);
}

foreach ($pdo->query('SELECT id, receipt_id FROM orders ORDER BY id') as $row) {
    $status = $outbox->status($row['receipt_id']);
    printf(
        "   %s: receipt %s is %s after %d POST(s); the service says %s, fiscal sign %s\n",
        $row['id'],
        $status['id'],
        $status['state'],
        $status['attempts'],
        $status['document_status']['status'] ?? '-',
        $status['document_status']['fiscalInfo']['fnDocMark'] ?? '-'
    );
}
echo '   rolled-back orders in the outbox: ', (int) $pdo->query("SELECT COUNT(*) FROM modulpos_outbox WHERE id NOT IN (SELECT receipt_id FROM orders)")->fetchColumn(), "\n";
