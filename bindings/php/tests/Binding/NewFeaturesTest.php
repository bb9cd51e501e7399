<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Entity\Cashier;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Exceptions\ApiException;
use Tests\TestCase;

/**
 * What the binding adds to the original, live against the sandbox: the document lifecycle to a
 * final state, re-queue of a failed document, deleting the association, recovery of a lost
 * answer without a second receipt, and the new receipt fields.
 */
class NewFeaturesTest extends TestCase
{
    /** @var Client */
    private static $client;

    public static function setUpBeforeClass(): void
    {
        Sandbox::require();
        self::$client = Sandbox::client(['retry_backoff_ms' => 10]);
    }

    protected function setUp(): void
    {
        Sandbox::clearFaults();
    }

    public function testAReceiptIsFollowedToPrintedWithFiscalData(): void
    {
        $order = Receipts::order();
        $sent = self::$client->sendCheck($order, null, false, Cashier::create(['name' => 'Иванова А.А.', 'position' => 'кассир']));
        $this->assertSame('QUEUED', $sent['status']);
        $this->assertSame(
            ['document_id' => $order->getDocumentUuid(), 'attempts' => 1, 'outcome' => 'accepted'],
            self::$client->getLastDelivery()
        );

        $status = Sandbox::waitForStatus(self::$client, $order->getDocumentUuid());

        $this->assertSame('PRINTED', $status['status']);
        $this->assertIsArray($status['fiscalInfo']);
        $this->assertStringContainsString('s=300.00', $status['fiscalInfo']['qr']);
        $this->assertStringContainsString('&n=1', $status['fiscalInfo']['qr']);
    }

    public function testAFailedDocumentIsRequeuedAndThenPrinted(): void
    {
        Sandbox::failNext(1, 'FN_GENERIC_FAILURE', 'paper jam');
        $order = Receipts::order();
        self::$client->sendCheck($order);

        $failed = Sandbox::waitForStatus(self::$client, $order->getDocumentUuid());
        $this->assertSame('FAILED', $failed['status']);
        $this->assertSame('FN_GENERIC_FAILURE', $failed['failureInfo']['type']);
        $this->assertSame('paper jam', $failed['failureInfo']['message']);

        $requeued = self::$client->requeueDocument($order->getDocumentUuid());
        $this->assertContains($requeued['status'], ['REQUEUED', 'QUEUED', 'PENDING']);

        $final = Sandbox::waitForStatus(self::$client, $order->getDocumentUuid());
        $this->assertSame('PRINTED', $final['status']);
    }

    public function testAReturnAndAPurchaseCarryTheirQrOperationType(): void
    {
        foreach (['RETURN' => 'n=2', 'BUY' => 'n=3', 'BUY_RETURN' => 'n=4'] as $type => $qrType) {
            $order = Receipts::order();
            $order->setTypeOperation($type);
            self::$client->sendCheck($order);
            $status = Sandbox::waitForStatus(self::$client, $order->getDocumentUuid());
            $this->assertSame('PRINTED', $status['status'], $type);
            $this->assertStringContainsString($qrType, $status['fiscalInfo']['qr'], $type);
        }
    }

    public function testALostAnswerIsRecoveredWithoutASecondReceipt(): void
    {
        $order = Receipts::order();
        Sandbox::addFaults([['kind' => 'drop', 'phase' => 'after', 'path_contains' => '/doc']]);

        $status = self::$client->sendCheck($order);

        $this->assertContains($status['status'], ['QUEUED', 'PENDING', 'PRINTED']);
        $delivery = self::$client->getLastDelivery();
        $this->assertSame($order->getDocumentUuid(), $delivery['document_id']);
        $this->assertSame('found_existing', $delivery['outcome']);
        $document = Sandbox::counters()['documents'][$order->getDocumentUuid()];
        $this->assertSame(1, $document['submissions']);
        $this->assertTrue($document['created']);
    }

    public function testSendingTheSameOrderTwiceMakesOneReceipt(): void
    {
        $order = Receipts::order();
        self::$client->sendCheck($order);
        self::$client->sendCheck($order);
        $document = Sandbox::counters()['documents'][$order->getDocumentUuid()];
        $this->assertSame(2, $document['submissions']);
        $this->assertTrue($document['created']);
    }

    public function testEveryNewFieldIsAcceptedEndToEnd(): void
    {
        $order = Receipts::order();
        $order->setTaxMode('SIMPLIFIED');
        $order->setTextToPrint('Спасибо за покупку!');
        $order->setClientName('ООО Ромашка');
        $order->setClientInn('7707083893');
        $order->getItems()[0]->setMeasure('pcs');
        $order->getItems()[0]->setInventCode('TEA-1');
        $order->getItems()[0]->setBarcode('4601234567890');
        $order->getItems()[0]->setOriginCountryCode('643');
        $order->getItems()[1]->setDiscSum('20.00');
        $order->getItems()[1]->setVatSum('30.00');
        $order->getItems()[1]->setPaymentMethod('full_prepayment');
        $order->getItems()[1]->setSupplierInfo(['name' => 'ООО Поставщик', 'inn' => '7707083893', 'phones' => ['+74951234567']]);
        $order->getItems()[1]->setAgentInfo(['types' => ['commission_agent']]);
        $order->addItem(OrderItem::create([
            'name' => 'Услуга доставки', 'price' => '99.90', 'quantity' => 1, 'vatTag' => OrderItem::VAT_22,
            'paymentObject' => 'service',
        ]));
        $order->getPaymentItems()[0]->setSum('200.00');
        $order->addPaymentItem(PaymentItem::create(['type' => 'CASH', 'sum' => '179.90']));

        $sent = self::$client->sendCheck($order, null, true);
        $this->assertSame('QUEUED', $sent['status']);
        $this->assertSame('PRINTED', Sandbox::waitForStatus(self::$client, $order->getDocumentUuid())['status']);
    }

    public function testDeletingTheAssociationRevokesItsCredentials(): void
    {
        $client = Sandbox::client();
        $this->assertIsString($client->getStatusFiscalService()['status']);

        $this->assertNull($client->deleteAssociation());

        try {
            $client->getStatusFiscalService();
            $this->fail('the deleted association still works');
        } catch (ApiException $e) {
            $this->assertSame('authentication', $e->getErrorCode());
        }
    }

    public function testAClientSurvivesSerializationAndCloning(): void
    {
        $copy = unserialize(serialize(self::$client));
        $this->assertInstanceOf(Client::class, $copy);
        $this->assertIsString($copy->getStatusFiscalService()['status']);
        $clone = clone self::$client;
        $this->assertIsString($clone->getStatusFiscalService()['status']);
    }

    public function testDumpsNeverShowThePassword(): void
    {
        $client = new Client('user', 'hidden-Pa55', true);
        $this->assertStringNotContainsString('hidden-Pa55', print_r($client, true));
        ob_start();
        var_dump($client);
        $this->assertStringNotContainsString('hidden-Pa55', (string) ob_get_clean());
    }
}
