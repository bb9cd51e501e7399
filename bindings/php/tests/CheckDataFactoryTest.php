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
    public function testConvertOrderToArray(): void
    {
        date_default_timezone_set('Europe/Moscow');
        $dateTime = new \DateTime('NOW');
        $documentUuid = uniqid();
        $orderId = rand(100000, 999999);

        $order = self::readmeOrder($documentUuid, $dateTime->format(DATE_RFC3339), $orderId);

        $checkData = CheckDataFactory::convertToArray($order);

        $this->assertTrue(is_array($checkData));
        $this->assertNotEmpty($checkData);

        $this->assertSame($documentUuid, $checkData['id']);
        $this->assertSame($dateTime->format(DATE_RFC3339), $checkData['checkoutDateTime']);
        $this->assertSame((string) $orderId, $checkData['docNum']);
        $this->assertSame('SALE', $checkData['docType']);
        $this->assertSame('test@example.com', $checkData['email']);
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

    public function testValidate(): void
    {
        $order = new Order();

        $this->expectException(RequiredParameterNotFound::class);
        $this->expectExceptionMessage('documentUuid is required');
        CheckDataFactory::convertToArray($order);
    }
}
