<?php

namespace Tests\Entity;

use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Exceptions\MethodNotFound;
use Bigperson\ModulposApiClient\Exceptions\PaymentMethodNotAllowed;
use Bigperson\ModulposApiClient\Exceptions\PaymentObjectNotAllowed;
use Bigperson\ModulposApiClient\Exceptions\VatTagNotAllowed;
use Tests\TestCase;

/**
 * Port of the original suite's OrderItemTest, plus paymentObject / paymentMethod and the new fields.
 */
class OrderItemTest extends TestCase
{
    private $price;
    private $quantity;
    private $vatTag;
    private $name;

    protected function setUp(): void
    {
        $this->price = 32.21;
        $this->quantity = rand(1, 10);
        $this->vatTag = OrderItem::VAT_NO;
        $this->name = 'Test product';
    }

    public function testOrderItemCanBeCreated(): void
    {
        $item = new OrderItem();
        $item->setPrice($this->price);
        $item->setName($this->name);
        $item->setQuantity($this->quantity);
        $item->setVatTag($this->vatTag);

        $this->assertEquals($this->name, $item->getName());
        $this->assertEquals($this->price, $item->getPrice());
        $this->assertEquals($this->quantity, $item->getQuantity());
        $this->assertEquals($this->vatTag, $item->getVatTag());
    }

    public function testOrderItemCanBeCreatedByArray(): void
    {
        $item = OrderItem::create([
            'price' => $this->price,
            'name' => $this->name,
            'quantity' => $this->quantity,
            'vatTag' => $this->vatTag,
            'paymentObject' => 'service',
            'paymentMethod' => 'prepayment',
        ]);

        $this->assertInstanceOf(OrderItem::class, $item);
        $this->assertEquals($this->name, $item->getName());
        $this->assertEquals($this->price, $item->getPrice());
        $this->assertEquals($this->quantity, $item->getQuantity());
        $this->assertEquals($this->vatTag, $item->getVatTag());
        $this->assertSame('service', $item->getPaymentObject());
        $this->assertSame('prepayment', $item->getPaymentMethod());
    }

    public function testOrderItemCanNotBeCreatedByArray(): void
    {
        $this->expectException(MethodNotFound::class);
        OrderItem::create([
            'price' => $this->price,
            'name' => $this->name,
            'quantity' => $this->quantity,
            'vatTag' => $this->vatTag,
            'methodNotAllowed' => 'methodNotAllowed',
        ]);
    }

    public function testOrderItemCanNotSetVatTag(): void
    {
        $this->expectException(VatTagNotAllowed::class);
        $item = new OrderItem();
        $item->setVatTag('NONE');
    }

    /**
     * @dataProvider disallowedVatTags
     *
     * @param mixed $value
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('disallowedVatTags')]
    public function testOrderItemRejectsEveryValueOutsideTheVatTable($value): void
    {
        $this->expectException(VatTagNotAllowed::class);
        (new OrderItem())->setVatTag($value);
    }

    public static function disallowedVatTags(): array
    {
        return [[1108], [1101], [1115], [0], [null], ['1105abc'], [1105.0], [true], [[1105]]];
    }

    public function testEveryVatConstantIsAccepted(): void
    {
        $constants = (new \ReflectionClass(OrderItem::class))->getConstants();
        $vat = array_filter($constants, static function ($name) {
            return strncmp($name, 'VAT_', 4) === 0;
        }, ARRAY_FILTER_USE_KEY);
        $this->assertCount(14, $vat);
        foreach ($vat as $name => $code) {
            $item = new OrderItem();
            $item->setVatTag($code);
            $this->assertSame($code, $item->getVatTag(), $name);
        }
        $this->assertSame(1109, OrderItem::VAT_5);
        $this->assertSame(1110, OrderItem::VAT_7);
        $this->assertSame(1111, OrderItem::VAT_5_105);
        $this->assertSame(1112, OrderItem::VAT_7_107);
        $this->assertSame(1113, OrderItem::VAT_22);
        $this->assertSame(1114, OrderItem::VAT_22_122);
        $this->assertSame(OrderItem::VAT_18, OrderItem::VAT_20);
        $this->assertSame(OrderItem::VAT_18_118, OrderItem::VAT_20_120);
    }

    public function testVatTagAsDecimalStringIsAccepted(): void
    {
        $item = new OrderItem();
        $item->setVatTag('1105');
        $this->assertSame('1105', $item->getVatTag());
    }

    public function testDefaults(): void
    {
        $item = new OrderItem();
        $this->assertSame('commodity', $item->getPaymentObject());
        $this->assertSame('full_payment', $item->getPaymentMethod());
        $this->assertNull($item->getPrice());
        $this->assertNull($item->getDiscSum());
    }

    public function testOrderItemCanNotSetPaymentObject(): void
    {
        $this->expectException(PaymentObjectNotAllowed::class);
        (new OrderItem())->setPaymentObject('NONE');
    }

    public function testOrderItemCanNotSetPaymentMethod(): void
    {
        $this->expectException(PaymentMethodNotAllowed::class);
        (new OrderItem())->setPaymentMethod('NONE');
    }

    public function testEveryOriginalPaymentObjectAndMethodIsAccepted(): void
    {
        $objects = ['commodity', 'excise', 'job', 'service', 'gambling_bet', 'gambling_prize', 'lottery', 'lottery_prize',
            'intellectual_activity', 'payment', 'agent_commission', 'composite', 'another'];
        foreach ($objects as $object) {
            $item = new OrderItem();
            $item->setPaymentObject($object);
            $this->assertSame($object, $item->getPaymentObject());
        }
        foreach (['full_prepayment', 'prepayment', 'advance', 'full_payment', 'partial_payment', 'credit', 'credit_payment'] as $method) {
            $item = new OrderItem();
            $item->setPaymentMethod($method);
            $this->assertSame($method, $item->getPaymentMethod());
        }
    }

    public function testARejectedValueKeepsThePreviousOne(): void
    {
        $item = new OrderItem();
        try {
            $item->setPaymentMethod('FULL_PAYMENT');
            $this->fail('an upper-case payment method was accepted');
        } catch (PaymentMethodNotAllowed $e) {
            $this->assertStringContainsString('full_payment', $e->getMessage(), 'the message lists the allowed values');
        }
        $this->assertSame('full_payment', $item->getPaymentMethod());
    }

    public function testDetailFieldsCanBeSetByArray(): void
    {
        $values = [
            'discSum' => '5.20',
            'vatSum' => 7.8,
            'measure' => 'pcs',
            'productMark' => "0104601234567890215abcdef\x1d93abcd",
            'inventCode' => 'ART-1',
            'barcode' => '4601234567890',
            'nomenclatureCode' => '00 00 00 01',
            'originCountryCode' => '643',
            'customsDeclarationNumber' => '10702070/011120/0001234',
            'agentInfo' => ['types' => ['commission_agent']],
            'supplierInfo' => ['name' => 'ООО Поставщик', 'inn' => '7707083893', 'phones' => ['+74951234567']],
            'industryRequisite' => ['foivId' => '030', 'docDateTime' => '2026-11-01', 'docNumber' => '1', 'docData' => 'x'],
        ];
        $item = OrderItem::create($values);
        foreach ($values as $key => $value) {
            $this->assertSame($value, $item->{'get' . ucfirst($key)}(), $key);
        }
    }
}
