<?php

namespace Tests\Entity;

use Bigperson\ModulposApiClient\Entity\Cashier;
use Bigperson\ModulposApiClient\Exceptions\MethodNotFound;
use Tests\TestCase;

/**
 * Port of the original suite's CashierTest.
 */
class CashierTest extends TestCase
{
    public function testCashierCanBeCreated(): void
    {
        $cashier = new Cashier();
        $cashier->setName('Test Cashier');
        $cashier->setInn('123456789012');
        $cashier->setPosition('salesman');

        $this->assertEquals('Test Cashier', $cashier->getName());
        $this->assertEquals('123456789012', $cashier->getInn());
        $this->assertEquals('salesman', $cashier->getPosition());
    }

    public function testCashierCanBeCreatedByArray(): void
    {
        $cashier = Cashier::create(['name' => 'Test Cashier', 'inn' => '123456789012', 'position' => 'salesman']);

        $this->assertInstanceOf(Cashier::class, $cashier);
        $this->assertEquals('Test Cashier', $cashier->getName());
        $this->assertEquals('123456789012', $cashier->getInn());
        $this->assertEquals('salesman', $cashier->getPosition());
    }

    public function testCashierCanNotBeCreatedByArray(): void
    {
        $this->expectException(MethodNotFound::class);
        Cashier::create(['name' => 'Test Cashier', 'methodNotAllowed' => 'methodNotAllowed']);
    }
}
