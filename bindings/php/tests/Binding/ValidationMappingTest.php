<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\CheckDataFactory;
use Bigperson\ModulposApiClient\Contracts\ModulposCashierInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposOrderItemInterface;
use Bigperson\ModulposApiClient\Contracts\ModulposPaymentItemInterface;
use Bigperson\ModulposApiClient\Entity\Order;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Entity\PaymentItem;
use Bigperson\ModulposApiClient\Exceptions\ItemsNotFound;
use Bigperson\ModulposApiClient\Exceptions\ModulposException;
use Bigperson\ModulposApiClient\Exceptions\RequiredParameterNotFound;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;
use Tests\TestCase;

/**
 * The library validates; the binding maps the first problem the original package would have
 * reported to its class and message, in the original's order, and everything else to
 * ValidationException.
 */
class ValidationMappingTest extends TestCase
{
    /**
     * Fills the order field by field, in the original's order, checking the exception at each step.
     */
    public function testTheOriginalExceptionsComeInTheOriginalOrder(): void
    {
        $order = new Order();
        $steps = [
            ['documentUuid is required', RequiredParameterNotFound::class, static function (Order $o) { $o->setDocumentUuid('doc-1'); }],
            ['checkoutDateTime is required', RequiredParameterNotFound::class, static function (Order $o) { $o->setCheckoutDateTime('2026-11-28T12:00:00+03:00'); }],
            ['orderId is required', RequiredParameterNotFound::class, static function (Order $o) { $o->setOrderId(42); }],
            ['typeOperation is required', RequiredParameterNotFound::class, static function (Order $o) { $o->setTypeOperation('SALE'); }],
            ['customerContact is required', RequiredParameterNotFound::class, static function (Order $o) { $o->setCustomerContact('a@example.com'); }],
            ['orderItems is required', ItemsNotFound::class, static function (Order $o) { $o->addItem(new OrderItem()); }],
            ['price in orderItem is required', RequiredParameterNotFound::class, static function (Order $o) { $o->getItems()[0]->setPrice(10); }],
            ['vatTag in orderItem is required', RequiredParameterNotFound::class, static function (Order $o) { $o->getItems()[0]->setVatTag(OrderItem::VAT_NO); }],
            ['quantity in orderItem is required', RequiredParameterNotFound::class, static function (Order $o) { $o->getItems()[0]->setQuantity(2); }],
            ['name in orderItem is required', RequiredParameterNotFound::class, static function (Order $o) { $o->getItems()[0]->setName('Tea'); }],
            ['paymentItems is required', ItemsNotFound::class, static function (Order $o) { $o->addPaymentItem(new PaymentItem()); }],
            ['type in paymentItem is required', RequiredParameterNotFound::class, static function (Order $o) { $o->getPaymentItems()[0]->setType('CASH'); }],
            ['sum in paymentItem is required', RequiredParameterNotFound::class, static function (Order $o) { $o->getPaymentItems()[0]->setSum(20); }],
        ];
        foreach ($steps as [$message, $class, $fix]) {
            try {
                CheckDataFactory::convertToArray($order);
                $this->fail("no exception; expected $class('$message')");
            } catch (\Exception $e) {
                $this->assertSame($class, get_class($e), $e->getMessage());
                $this->assertSame($message, $e->getMessage());
            }
            $fix($order);
        }
        $document = CheckDataFactory::convertToArray($order);
        $this->assertSame('doc-1', $document['id']);
        $this->assertSame('42', $document['docNum']);
    }

    public function testAnEarlierItemWinsOverALaterOne(): void
    {
        $order = Receipts::order();
        $order->addItem(OrderItem::create(['price' => 1, 'vatTag' => OrderItem::VAT_NO, 'quantity' => 1]));
        $order->addItem(OrderItem::create(['vatTag' => OrderItem::VAT_NO, 'quantity' => 1, 'name' => 'x']));
        $this->expectException(RequiredParameterNotFound::class);
        $this->expectExceptionMessage('name in orderItem is required');
        CheckDataFactory::convertToArray($order);
    }

    public function testAnEmptyStringCountsAsMissingLikeInTheOriginal(): void
    {
        $order = Receipts::order();
        $order->setCustomerContact('');
        $this->expectException(RequiredParameterNotFound::class);
        $this->expectExceptionMessage('customerContact is required');
        CheckDataFactory::convertToArray($order);
    }

    public function testAZeroQuantityIsReportedAsTheOriginalDid(): void
    {
        $order = Receipts::order();
        $order->getItems()[1]->setQuantity(0);
        $this->expectException(RequiredParameterNotFound::class);
        $this->expectExceptionMessage('quantity in orderItem is required');
        CheckDataFactory::convertToArray($order);
    }

    public function testAnOriginalProblemWinsOverAProblemTheOriginalDidNotCheck(): void
    {
        $order = Receipts::order();
        $order->setCustomerContact('not an e-mail');
        $order->getItems()[0]->setPrice(null);
        $this->expectException(RequiredParameterNotFound::class);
        $this->expectExceptionMessage('price in orderItem is required');
        CheckDataFactory::convertToArray($order);
    }

    public function testOtherProblemsAreValidationExceptionsWithEveryIssue(): void
    {
        $order = Receipts::order();
        $order->setCustomerContact('not an e-mail');
        $order->getItems()[0]->setPrice(199.995);
        try {
            CheckDataFactory::convertToArray($order);
            $this->fail('accepted a price with 3 decimals and a bad contact');
        } catch (ValidationException $e) {
            $this->assertInstanceOf(ModulposException::class, $e);
            $this->assertInstanceOf(\Exception::class, $e);
            $this->assertSame('validation', $e->getErrorCode());
            $this->assertFalse($e->isRetryable());
            $this->assertNull($e->getHttpStatus());
            $this->assertNull($e->getServiceMessage());
            $this->assertSame(0, $e->getCode());
            $fields = array_column($e->getIssues(), 'field');
            $this->assertContains('email', $fields);
            $this->assertContains('inventPositions[0].price', $fields);
            $this->assertContains($e->getField(), $fields);
            $this->assertStringContainsString('inventPositions[0].price', $e->getMessage());
        }
    }

    public function testTotalsMustMatch(): void
    {
        $order = Receipts::order();
        $order->getPaymentItems()[0]->setSum('299.99');
        try {
            CheckDataFactory::convertToArray($order);
            $this->fail('accepted payments that do not cover the positions');
        } catch (ValidationException $e) {
            $this->assertSame('moneyPositions', $e->getField());
        }
    }

    public function testDecimalStringsAreSentDigitForDigit(): void
    {
        $order = Receipts::order();
        $order->getItems()[0]->setPrice('0.10');
        $order->getItems()[0]->setQuantity('3');
        $order->getItems()[1]->setPrice('199.99');
        $order->getItems()[1]->setQuantity('1.000');
        $order->getPaymentItems()[0]->setSum('200.29');
        $document = CheckDataFactory::convertToArray($order);
        $this->assertEquals(0.1, $document['inventPositions'][0]['price']);
        $this->assertEquals(200.29, $document['moneyPositions'][0]['sum']);
    }

    public function testFloatNoiseIsReadAsTheKopecksItStandsFor(): void
    {
        $order = Receipts::order();
        $order->getItems()[0]->setPrice(0.1 + 0.2); // 0.30000000000000004
        $order->getItems()[0]->setQuantity(10);
        $order->getPaymentItems()[0]->setSum(203);
        $document = CheckDataFactory::convertToArray($order);
        $this->assertEquals(0.3, $document['inventPositions'][0]['price']);
    }

    public function testNonFiniteAmountsNameTheirField(): void
    {
        foreach ([[0, 'price', NAN], [1, 'quantity', INF]] as [$index, $field, $value]) {
            $order = Receipts::order();
            $setter = 'set' . ucfirst($field);
            $order->getItems()[$index]->$setter($value);
            try {
                CheckDataFactory::convertToArray($order);
                $this->fail("$field = $value accepted");
            } catch (ValidationException $e) {
                $this->assertSame('validation', $e->getErrorCode());
                $this->assertSame("inventPositions[$index].$field", $e->getField());
                $this->assertSame('not_finite', $e->getIssues()[0]['rule']);
            }
        }
    }

    public function testANegativeQuantityOrPriceIsAValidationExceptionNamingTheField(): void
    {
        foreach ([[1, 'quantity'], [0, 'price']] as [$index, $field]) {
            $order = Receipts::order();
            $setter = 'set' . ucfirst($field);
            $order->getItems()[$index]->$setter(-1);
            try {
                CheckDataFactory::convertToArray($order);
                $this->fail("a negative $field was accepted");
            } catch (ValidationException $e) {
                $this->assertSame("inventPositions[$index].$field", $e->getField());
                $this->assertSame('negative', $e->getIssues()[0]['rule']);
            }
        }
    }

    public function testIssuesNameTheItemIndexAndTheRule(): void
    {
        $order = Receipts::order();
        $order->getItems()[1]->setName(str_repeat('я', 129));
        $order->getPaymentItems()[0]->setSum('1.005');
        try {
            CheckDataFactory::convertToArray($order);
            $this->fail('a sum with 3 decimals was accepted');
        } catch (ValidationException $e) {
            $rules = [];
            foreach ($e->getIssues() as $issue) {
                $rules[$issue['field']] = $issue['rule'];
            }
            $this->assertSame('length_advisory', $rules['inventPositions[1].name'] ?? null);
            $this->assertSame('decimals', $rules['moneyPositions[0].sum'] ?? null);
        }
    }

    public function testAWrongCashierTypeIsAnInvalidArgument(): void
    {
        try {
            CheckDataFactory::convertToArray(Receipts::order(), null, false, new \stdClass());
            $this->fail('a stdClass cashier was accepted');
        } catch (ValidationException $e) {
            $this->assertSame('invalid_argument', $e->getErrorCode());
            $this->assertSame('cashier', $e->getField());
        }
    }

    public function testAPaymentOfTheWrongTypeIsAnInvalidArgument(): void
    {
        $order = Receipts::order();
        $order->addPaymentItem(new \stdClass());
        try {
            CheckDataFactory::convertToArray($order);
            $this->fail('a stdClass payment was accepted');
        } catch (ValidationException $e) {
            $this->assertSame('moneyPositions[1]', $e->getField());
        }
    }

    public function testOrderAddItemIsTypedAsInTheOriginal(): void
    {
        $parameter = (new \ReflectionMethod(Order::class, 'addItem'))->getParameters()[0];
        $this->assertSame(OrderItem::class, (string) $parameter->getType());
        $this->assertNull((new \ReflectionMethod(Order::class, 'addPaymentItem'))->getParameters()[0]->getType());
    }

    public function testTheShopsOwnClassesImplementingTheContractsWork(): void
    {
        $item = new class implements ModulposOrderItemInterface {
            public function getPrice() { return '150.50'; }
            public function getQuantity() { return 2; }
            public function getVatTag() { return self::VAT_10; }
            public function getName() { return 'Own item'; }
            public function getPaymentObject() { return 'service'; }
            public function getPaymentMethod() { return 'full_payment'; }
        };
        $payment = new class implements ModulposPaymentItemInterface {
            public function getType() { return 'CASH'; }
            public function getSum() { return '301.00'; }
        };
        $order = new class ($item, $payment) implements ModulposOrderInterface {
            private $item;
            private $payment;
            public function __construct($item, $payment) { $this->item = $item; $this->payment = $payment; }
            public function getDocumentUuid() { return 'own-1'; }
            public function getOrderId() { return 77; }
            public function getCustomerContact() { return '+79001234567'; }
            public function getTypeOperation() { return 'SALE'; }
            public function getItems() { return new \ArrayIterator([$this->item]); }
            public function getPaymentItems() { return [$this->payment]; }
            public function getCheckoutDateTime() { return new \DateTimeImmutable('2026-11-28T12:00:00+03:00'); }
            public function getTaxMode() { return null; }
        };
        $cashier = new class implements ModulposCashierInterface {
            public function getName() { return 'Own cashier'; }
            public function getInn() { return null; }
            public function getPosition() { return null; }
        };

        $document = CheckDataFactory::convertToArray($order, null, false, $cashier);

        $this->assertSame('own-1', $document['id']);
        $this->assertSame('77', $document['docNum']);
        $this->assertSame('2026-11-28T12:00:00+03:00', $document['checkoutDateTime']);
        $this->assertSame('Own cashier', $document['cashierName']);
        $this->assertArrayNotHasKey('cashierInn', $document);
        $this->assertSame(1103, $document['inventPositions'][0]['vatTag']);
        $this->assertSame('service', $document['inventPositions'][0]['paymentObject']);
        $this->assertArrayNotHasKey('taxMode', $document);
    }

    public function testNewFieldsReachTheDocument(): void
    {
        $order = Receipts::order();
        $order->setTextToPrint('Спасибо!');
        $order->setClientName('ООО Ромашка');
        $order->setClientInn('7707083893');
        $order->setTaxMode('SIMPLIFIED');
        $item = $order->getItems()[1];
        $item->setDiscSum('20.00');
        $item->setVatSum('30.00');
        $item->setMeasure('pcs');
        $item->setInventCode('ART-7');
        $item->setBarcode('4601234567890');
        $item->setOriginCountryCode('643');
        $item->setPaymentObject('commodity');
        $item->setSupplierInfo(['name' => 'ООО Поставщик', 'inn' => '7707083893', 'phones' => ['+74951234567']]);
        $order->getPaymentItems()[0]->setSum('280.00');

        $document = CheckDataFactory::convertToArray($order);

        $this->assertSame('Спасибо!', $document['textToPrint']);
        $this->assertSame('ООО Ромашка', $document['clientName']);
        $this->assertSame('7707083893', $document['clientInn']);
        $this->assertSame('SIMPLIFIED', $document['taxMode']);
        $position = $document['inventPositions'][1];
        $this->assertEquals(20, $position['discSum']);
        $this->assertEquals(30, $position['vatSum']);
        $this->assertSame('pcs', $position['measure']);
        $this->assertSame('ART-7', $position['inventCode']);
        $this->assertSame('4601234567890', $position['barcode']);
        $this->assertSame('643', $position['originCountryCode']);
        $this->assertSame('ООО Поставщик', $position['supplierInfo']['name']);
    }

    public function testNewFieldsAreValidatedByTheLibrary(): void
    {
        $order = Receipts::order();
        $order->getItems()[0]->setOriginCountryCode('RUS');
        try {
            CheckDataFactory::convertToArray($order);
            $this->fail('a non-numeric country code was accepted');
        } catch (ValidationException $e) {
            $this->assertSame('inventPositions[0].originCountryCode', $e->getField());
        }
    }

    public function testACorrectionDocument(): void
    {
        $order = Receipts::order();
        $order->setTypeOperation('SALE_CORRECTION');
        $order->setCorrectionInfo(['reason' => 'INDEPENDENT', 'documentDate' => '2026-11-01']);
        $document = CheckDataFactory::convertToArray($order);
        $this->assertSame('SALE_CORRECTION', $document['docType']);
        $this->assertSame('INDEPENDENT', $document['correctionInfo']['reason']);

        $order->setCorrectionInfo(null);
        try {
            CheckDataFactory::convertToArray($order);
            $this->fail('a correction without correctionInfo was accepted');
        } catch (ValidationException $e) {
            $this->assertStringStartsWith('correctionInfo', (string) $e->getField());
        }
    }

    public function testOtherMoneyTypes(): void
    {
        $order = Receipts::order();
        $order->getPaymentItems()[0]->setSum(100);
        $order->addPaymentItem(PaymentItem::create(['type' => 'PREPAID', 'sum' => 150]));
        $order->addPaymentItem(PaymentItem::create(['type' => 'POSTPAY', 'sum' => '50.00']));
        $document = CheckDataFactory::convertToArray($order);
        $this->assertSame(['CARD', 'PREPAID', 'POSTPAY'], array_column($document['moneyPositions'], 'paymentType'));
    }
}
