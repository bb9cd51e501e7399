<?php

namespace Tests;

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Contracts\ClientInterface;

/**
 * Port of the original suite's ClientTest: associate once, then fiscal-service status, sendCheck
 * and document status, live (here against the sandbox through MODULPOS_TEST_BASE_URL).
 */
class ClientTest extends TestCase
{
    /** @var string */
    protected static $login;

    /** @var string */
    protected static $password;

    /** @var string */
    protected static $documentId;

    public static function setUpBeforeClass(): void
    {
        self::requireLiveEnvironment();

        $login = getenv('MODULPOS_LOGIN');
        $password = getenv('MODULPOS_PASSWORD');
        $retailPointUuid = getenv('MODULPOS_RETAIL_POINT_UUID');

        $associate = new Associate($login, $password, $retailPointUuid, true);

        $result = $associate->init();

        self::$login = $result['userName'];

        self::$password = $result['password'];
    }

    public function testClientImplementsTheInterface(): void
    {
        $this->assertInstanceOf(ClientInterface::class, new Client(self::$login, self::$password, true));
    }

    public function testGetStatusFiscalService(): void
    {
        $client = new Client(self::$login, self::$password, true);

        $result = $client->getStatusFiscalService();

        $this->assertTrue(is_array($result));

        $statuses = ['READY', 'ASSOCIATED', 'FAILED'];

        $this->assertTrue(in_array($result['status'], $statuses));

        $this->assertTrue(is_string($result['dateTime']));
    }

    public function testSendCheck(): void
    {
        $this->assertEmpty(self::$documentId);

        $client = new Client(self::$login, self::$password, true);

        date_default_timezone_set('Europe/Moscow');
        $dateTime = new \DateTime('NOW');

        self::$documentId = uniqid();

        $order = self::readmeOrder(self::$documentId, $dateTime->format(DATE_RFC3339), rand(100000, 999999));

        $responseUrl = 'https://internet.shop.ru/order/982340931/checkout?completed=1';

        $printReceipt = true;

        $result = $client->sendCheck($order, $responseUrl, $printReceipt);

        $this->assertTrue(is_array($result));

        $statuses = ['QUEUED', 'PENDING', 'PRINTED', 'COMPLETED', 'FAILED'];

        $this->assertTrue(in_array($result['status'], $statuses));
    }

    /**
     * @depends testSendCheck
     */
    #[\PHPUnit\Framework\Attributes\Depends('testSendCheck')]
    public function testGetDocumentStatus(): void
    {
        $this->assertNotEmpty(self::$documentId);

        $client = new Client(self::$login, self::$password, true);

        $result = $client->getStatusDocumentById(self::$documentId);

        $this->assertTrue(is_array($result));

        $statuses = ['QUEUED', 'PENDING', 'PRINTED', 'COMPLETED', 'FAILED'];

        $this->assertTrue(in_array($result['status'], $statuses));
    }
}
