<?php
/**
 * A workload for ValgrindTest: every kind of call the binding makes (envelopes ok and error, handles
 * created and freed, live calls when a sandbox is there), run under valgrind to prove the FFI use
 * never reads freed memory or frees twice.
 */

require dirname(__DIR__, 2) . '/autoload.php';
require __DIR__ . '/Receipts.php';
require __DIR__ . '/Sandbox.php';

use Bigperson\ModulposApiClient\CheckDataFactory;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Internal\Tables;
use Tests\Binding\Receipts;
use Tests\Binding\Sandbox;

$live = getenv('MODULPOS_TEST_BASE_URL') !== false && Sandbox::root() !== null;
Tables::all();
$client = $live ? Sandbox::client() : null;
for ($i = 0; $i < 20; $i++) {
    CheckDataFactory::convertToArray(Receipts::order());
    try {
        CheckDataFactory::convertToArray(new Order());
    } catch (Exception $e) {
    }
    $offline = new Client('u', 'p', true, null, ['base_url' => 'http://127.0.0.1:9/api/fn', 'connect_timeout_ms' => 100]);
    try {
        $offline->getStatusFiscalService();
    } catch (Exception $e) {
    }
    unset($offline);
    try {
        (new Client('u', 'p', true, null, ['no_such_option' => 1]))->getStatusFiscalService();
    } catch (Exception $e) {
    }
    if ($client !== null) {
        $order = Receipts::order();
        $client->sendCheck($order);
        $client->getStatusDocumentById($order->getDocumentUuid());
        $client->getStatusFiscalService();
        try {
            $client->requeueDocument($order->getDocumentUuid());
        } catch (Exception $e) {
        }
    }
}
echo "workload done\n";
