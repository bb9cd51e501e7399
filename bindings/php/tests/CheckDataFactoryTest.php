<?php

namespace Tests;

use Bigperson\ModulposApiClient\CheckDataFactory;
use Bigperson\ModulposApiClient\Entity\Cashier;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Exceptions\RequiredParameterNotFound;

/**
 * Port of the original suite's CheckDataFactoryTest (convert, and an empty order), with the
 * document's fields checked one by one.
 */
class CheckDataFactoryTest extends TestCase
{
    /** The original's test, statement for statement (its data unchanged: cashier INN '123456789012'). */
    public function testConvertOrderToArray(): void
    {
        date_default_timezone_set('Europe/Moscow');
        $dateTime = new \DateTime('NOW');

        $order = Order::create([
            'documentUuid'     => uniqid(),
            'checkoutDateTime' => $dateTime->format(DATE_RFC3339),
            'orderId'          => rand(100000, 999999),
            'typeOperation'    => 'SALE',
            'customerContact'  => 'test@example.com',
        ]);

        $cashier = Cashier::create([
            'name'     => 'Test Cashier',
            'inn'      => '123456789012',
            'position' => 'salesman',
        ]);

        $orderItem1 = OrderItem::create([
           'price'     => 100,
            'quantity' => 1,
            'vatTag'   => OrderItem::VAT_NO,
            'name'     => 'Test Product1',
        ]);

        $orderItem2 = OrderItem::create([
            'price'    => 200,
            'quantity' => 1,
            'vatTag'   => OrderItem::VAT_NO,
            'name'     => 'Test Product2',
        ]);

        $paymentItem = PaymentItem::create([
            'type' => 'CARD',
            'sum'  => 300,
        ]);

        $order->addItem($orderItem1);
        $order->addItem($orderItem2);
        $order->addPaymentItem($paymentItem);

        $checkData = CheckDataFactory::convertToArray($order, null, false, $cashier);

        $this->assertTrue(is_array($checkData));

        $this->assertNotEmpty($checkData);
    }

    /** The original's second test, statement for statement. */
    public function testValidateRequiredParameterNotFound(): void
    {
        $order = new Order();

        try {
            $checkData = CheckDataFactory::convertToArray($order);
        } catch (\Exception $exception) {
            $this->assertTrue($exception instanceof RequiredParameterNotFound);
        }
    }

    /** The document of the original's order, field by field (ours, beyond the original test). */
    public function testTheConvertedDocumentFieldByField(): void
    {
        date_default_timezone_set('Europe/Moscow');
        $dateTime = new \DateTime('NOW');
        $documentUuid = uniqid();
        $orderId = rand(100000, 999999);

        $order = self::readmeOrder($documentUuid, $dateTime->format(DATE_RFC3339), $orderId);
        $cashier = Cashier::create(['name' => 'Test Cashier', 'inn' => '123456789012', 'position' => 'salesman']);

        $checkData = CheckDataFactory::convertToArray($order, null, false, $cashier);

        $this->assertSame($documentUuid, $checkData['id']);
        $this->assertSame($dateTime->format(DATE_RFC3339), $checkData['checkoutDateTime']);
        $this->assertSame((string) $orderId, $checkData['docNum']);
        $this->assertSame('SALE', $checkData['docType']);
        $this->assertSame('test@example.com', $checkData['email']);
        $this->assertSame('123456789012', $checkData['cashierInn']);
        $this->assertFalse($checkData['printReceipt']);
        $this->assertArrayNotHasKey('responseURL', $checkData);
        $this->assertCount(2, $checkData['inventPositions']);
        $this->assertSame('Test Product1', $checkData['inventPositions'][0]['name']);
        $this->assertEquals(100, $checkData['inventPositions'][0]['price']);
        $this->assertEquals(1, $checkData['inventPositions'][0]['quantity']);
        $this->assertSame(1105, $checkData['inventPositions'][0]['vatTag']);
        $this->assertSame('commodity', $checkData['inventPositions'][0]['paymentObject']);
        $this->assertSame('full_payment', $checkData['inventPositions'][0]['paymentMethod']);
        $this->assertSame('Test Product2', $checkData['inventPositions'][1]['name']);
        $this->assertSame([['paymentType' => 'CARD', 'sum' => $checkData['moneyPositions'][0]['sum']]], $checkData['moneyPositions']);
        $this->assertEquals(300, $checkData['moneyPositions'][0]['sum']);
    }

    public function testConvertWithResponseUrlPrintReceiptAndCashier(): void
    {
        $order = Order::create([
            'documentUuid' => 'doc-1',
            'checkoutDateTime' => '2026-11-28T12:00:00+03:00',
            'orderId' => 'A-1',
            'typeOperation' => 'RETURN',
            'customerContact' => '+79001234567',
            'taxMode' => 'PATENT',
        ]);
        $order->addItem(OrderItem::create(['price' => 10, 'quantity' => 2, 'vatTag' => OrderItem::VAT_20, 'name' => 'Чай']));
        $order->addPaymentItem(PaymentItem::create(['type' => 'CASH', 'sum' => 20]));
        $cashier = Cashier::create(['name' => 'Иванова А.А.', 'inn' => '500100732259', 'position' => 'кассир']);

        $checkData = CheckDataFactory::convertToArray($order, 'https://shop.example/cb?id=1', true, $cashier);

        $this->assertSame('https://shop.example/cb?id=1', $checkData['responseURL']);
        $this->assertTrue($checkData['printReceipt']);
        $this->assertSame('RETURN', $checkData['docType']);
        $this->assertSame('PATENT', $checkData['taxMode']);
        $this->assertSame('+79001234567', $checkData['email']);
        $this->assertSame('Иванова А.А.', $checkData['cashierName']);
        $this->assertSame('500100732259', $checkData['cashierInn']);
        $this->assertSame('кассир', $checkData['cashierPosition']);
        $this->assertSame(1102, $checkData['inventPositions'][0]['vatTag']);
    }

    public function testAnEmptyOrderIsTheOriginalsFirstMessage(): void
    {
        $order = new Order();

        $this->expectException(RequiredParameterNotFound::class);
        $this->expectExceptionMessage('documentUuid is required');
        CheckDataFactory::convertToArray($order);
    }
}
