<?php

namespace Tests\Entity;

use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Exceptions\MethodNotFound;
use Bigperson\ModulposApiClient\Exceptions\TaxModeNotAllowed;
use Bigperson\ModulposApiClient\Exceptions\TypeOperationsNotAllowed;
use Tests\TestCase;

/**
 * Port of the original suite's OrderTest, plus the taxMode and document-type tables.
 */
class OrderTest extends TestCase
{
    private $uuid;
    private $orderId;
    private $customerContact;
    private $typeOperation;
    /** @var \DateTime */
    private $checkoutDateTime;

    protected function setUp(): void
    {
        $this->uuid = uniqid();
        $this->orderId = rand(1000, 9999);
        $this->customerContact = 'test@test.ru';
        $this->typeOperation = 'SALE';
        date_default_timezone_set('Europe/Moscow');
        $this->checkoutDateTime = new \DateTime('NOW');
    }

    public function testOrderCanBeCreated(): void
    {
        $order = new Order();
        $order->setDocumentUuid($this->uuid);
        $order->setOrderId($this->orderId);
        $order->setCustomerContact($this->customerContact);
        $order->setTypeOperation($this->typeOperation);
        $order->setCheckoutDateTime($this->checkoutDateTime->format(DATE_RFC3339));
        $order->setTaxMode('SIMPLIFIED');

        $this->assertEquals($this->uuid, $order->getDocumentUuid());
        $this->assertEquals($this->orderId, $order->getOrderId());
        $this->assertEquals($this->customerContact, $order->getCustomerContact());
        $this->assertEquals($this->typeOperation, $order->getTypeOperation());
        $this->assertEquals($this->checkoutDateTime->format(DATE_RFC3339), $order->getCheckoutDateTime());
        $this->assertSame('SIMPLIFIED', $order->getTaxMode());
    }

    public function testOrderCanBeCreatedByArray(): void
    {
        $order = Order::create([
            'documentUuid' => $this->uuid,
            'orderId' => $this->orderId,
            'customerContact' => $this->customerContact,
            'typeOperation' => $this->typeOperation,
            'checkoutDateTime' => $this->checkoutDateTime->format(DATE_RFC3339),
            'taxMode' => 'COMMON',
        ]);

        $this->assertInstanceOf(Order::class, $order);
        $this->assertEquals($this->uuid, $order->getDocumentUuid());
        $this->assertEquals($this->orderId, $order->getOrderId());
        $this->assertEquals($this->customerContact, $order->getCustomerContact());
        $this->assertEquals($this->typeOperation, $order->getTypeOperation());
        $this->assertEquals($this->checkoutDateTime->format(DATE_RFC3339), $order->getCheckoutDateTime());
        $this->assertSame('COMMON', $order->getTaxMode());
    }

    public function testOrderCanNotBeCreatedByArray(): void
    {
        $this->expectException(MethodNotFound::class);
        Order::create([
            'documentUuid' => $this->uuid,
            'orderId' => $this->orderId,
            'customerContact' => $this->customerContact,
            'typeOperation' => $this->typeOperation,
            'methodNotAllowed' => 'methodNotAllowed',
        ]);
    }

    public function testOrderCanNotSetTypeOperator(): void
    {
        $this->expectException(TypeOperationsNotAllowed::class);
        $order = new Order();
        $order->setTypeOperation('NONE');
    }

    /**
     * @dataProvider disallowedTypeOperations
     *
     * @param mixed $value
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('disallowedTypeOperations')]
    public function testOrderRejectsEveryValueOutsideTheDocumentTypes($value): void
    {
        $order = new Order();
        try {
            $order->setTypeOperation($value);
            $this->fail('accepted ' . var_export($value, true));
        } catch (TypeOperationsNotAllowed $e) {
            $this->assertNull($order->getTypeOperation(), 'a rejected value is not stored');
        }
    }

    public static function disallowedTypeOperations(): array
    {
        return [['NONE'], ['sale'], [''], [null], [1], [['SALE']], ['SALE ']];
    }

    public function testOrderAcceptsEveryDocumentType(): void
    {
        foreach (['SALE', 'RETURN', 'BUY', 'BUY_RETURN', 'SALE_CORRECTION', 'SALE_RETURN_CORRECTION', 'BUY_CORRECTION', 'BUY_RETURN_CORRECTION'] as $type) {
            $order = new Order();
            $order->setTypeOperation($type);
            $this->assertSame($type, $order->getTypeOperation());
        }
    }

    public function testOrderCanNotSetTaxMode(): void
    {
        $this->expectException(TaxModeNotAllowed::class);
        $order = new Order();
        $order->setTaxMode('NONE');
    }

    public function testOrderAcceptsEveryTaxModeAndNullForThePointDefault(): void
    {
        foreach (['COMMON', 'SIMPLIFIED', 'SIMPLIFIED_WITH_EXPENSE', 'ENVD', 'PATENT', 'COMMON_AGRICULTURAL', null] as $mode) {
            $order = new Order();
            $order->setTaxMode($mode);
            $this->assertSame($mode, $order->getTaxMode());
        }
    }

    public function testOrderItemsCanAdd(): void
    {
        $order = new Order();
        $orderItem1 = new OrderItem();
        $orderItem2 = new OrderItem();

        $order->addItem($orderItem1);
        $order->addItem($orderItem2);

        $this->assertSame([$orderItem1, $orderItem2], $order->getItems());
    }

    public function testPaymentItemsCanAdd(): void
    {
        $order = new Order();
        $paymentItem1 = new PaymentItem();
        $paymentItem2 = new PaymentItem();

        $order->addPaymentItem($paymentItem1);
        $order->addPaymentItem($paymentItem2);

        $this->assertSame([$paymentItem1, $paymentItem2], $order->getPaymentItems());
    }

    public function testNewOrderHasNoValues(): void
    {
        $order = new Order();
        $this->assertNull($order->getDocumentUuid());
        $this->assertNull($order->getTaxMode());
        $this->assertSame([], $order->getItems());
        $this->assertSame([], $order->getPaymentItems());
        $this->assertNull($order->getTextToPrint());
        $this->assertNull($order->getCorrectionInfo());
    }

    public function testOrderDetailFieldsCanBeSetByArray(): void
    {
        $agentInfo = ['types' => ['paying_agent'], 'payingAgent' => ['operation' => 'Оплата', 'phones' => ['+79001234567']]];
        $correction = ['reason' => 'INDEPENDENT', 'documentDate' => '2026-11-01'];
        $order = Order::create([
            'textToPrint' => 'Спасибо за покупку',
            'clientName' => 'ООО Ромашка',
            'clientInn' => '7707083893',
            'agentInfo' => $agentInfo,
            'correctionInfo' => $correction,
        ]);
        $this->assertSame('Спасибо за покупку', $order->getTextToPrint());
        $this->assertSame('ООО Ромашка', $order->getClientName());
        $this->assertSame('7707083893', $order->getClientInn());
        $this->assertSame($agentInfo, $order->getAgentInfo());
        $this->assertSame($correction, $order->getCorrectionInfo());
    }
}
