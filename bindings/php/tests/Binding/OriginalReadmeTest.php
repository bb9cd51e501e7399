<?php

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Entity\Cashier;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Tests\TestCase;

/**
 * The original package's README examples, statement for statement, against the sandbox.
 */
class OriginalReadmeTest extends TestCase
{
    public function testTheReadmeExamplesRunUnchanged(): void
    {
        Sandbox::require();

        // "Создания связки аккаунта и розничной точки"
        $login = getenv('MODULPOS_LOGIN');
        $password = getenv('MODULPOS_PASSWORD');
        $retailPointUuid = getenv('MODULPOS_RETAIL_POINT_UUID');
        $testMode = true;
        $associate = new \Bigperson\ModulposApiClient\Associate($login, $password, $retailPointUuid, $testMode);
        $result = $associate->init();

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
        $result = $client->sendCheck($order, $responseUrl, $printReceipt, $cashier);
        $this->assertSame('QUEUED', $result['status']);
        // The README cashier's INN fails the check digits: sent anyway, with a warning.
        $this->assertSame(
            [['field' => 'cashierInn', 'rule' => 'inn_checksum', 'reason' => 'is not a valid INN (the check digit does not match)']],
            $client->getLastWarnings()
        );
        $sent = $client->getStatusDocumentById($order->getDocumentUuid());
        $this->assertArrayHasKey('status', $sent);

        // "Проверка статуса документа"
        $documentId = $order->getDocumentUuid();
        $client = new \Bigperson\ModulposApiClient\Client($login, $password, $testMode);
        $result = $client->getStatusDocumentById($documentId);
        $this->assertContains($result['status'], ['QUEUED', 'PENDING', 'PRINTED', 'COMPLETED', 'FAILED']);
        $this->assertArrayHasKey('fnState', $result);

        // "Проверка статуса фискального накопителя"
        $client = new \Bigperson\ModulposApiClient\Client($login, $password, $testMode);
        $result = $client->getStatusFiscalService();
        $this->assertContains($result['status'], ['READY', 'ASSOCIATED', 'FAILED']);
    }
}
