<?php

declare(strict_types=1);

namespace Tests;

use Bigperson\ModulposApiClient\Associate;

/**
 * Port of the original suite's AssociateTest: a live call driven by MODULPOS_LOGIN,
 * MODULPOS_PASSWORD and MODULPOS_RETAIL_POINT_UUID (here against the sandbox, through
 * MODULPOS_TEST_BASE_URL).
 */
class AssociateTest extends TestCase
{
    public static function setUpBeforeClass(): void
    {
        self::requireLiveEnvironment();
    }

    public function testAssociateRetailPointAndOnlineShop(): array
    {
        $login = getenv('MODULPOS_LOGIN');
        $password = getenv('MODULPOS_PASSWORD');
        $retailPointUuid = getenv('MODULPOS_RETAIL_POINT_UUID');
        $associate = new Associate($login, $password, $retailPointUuid, true);
        $result = $associate->init();
        $this->assertTrue(is_array($result));
        $this->assertTrue(is_string($result['userName']));
        $this->assertTrue(is_string($result['password']));

        return $result;
    }

    public function testTheOptionalGuzzleClientArgumentIsAcceptedAsNull(): void
    {
        $associate = new Associate(getenv('MODULPOS_LOGIN'), getenv('MODULPOS_PASSWORD'), getenv('MODULPOS_RETAIL_POINT_UUID'), true, null);
        $result = $associate->init();
        $this->assertIsString($result['userName']);
        $this->assertIsString($result['name'] ?? null, 'the retail point name is passed through');
    }
}
