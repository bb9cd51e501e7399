<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\CheckDataFactory;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;
use Tests\TestCase;

/**
 * 10,000 calls through the binding (validation, errors, HTTP status calls, new handles) with the
 * process's resident memory flat: every returned string is freed, every handle released.
 * A leak of one envelope per call would add several megabytes; the bound is 2 MiB over 10,000
 * calls after a warm-up.
 */
class SoakTest extends TestCase
{
    private const CALLS = 10000;
    private const WARM_UP = 1000;
    private const SAMPLE_EVERY = 1000;
    private const MAX_GROWTH_KB = 2048;

    public function testMemoryStaysFlatOverTenThousandCalls(): void
    {
        if (!is_readable('/proc/self/status')) {
            $this->markTestSkipped('no /proc/self/status to read VmRSS from');
        }
        $live = Sandbox::root() !== null && getenv('MODULPOS_TEST_BASE_URL') !== false;
        $client = null;
        $documentId = null;
        if ($live) {
            $client = Sandbox::client();
            $order = Receipts::order();
            $client->sendCheck($order);
            $documentId = $order->getDocumentUuid();
        }

        $valid = Receipts::order();
        $invalid = Receipts::order();
        $invalid->getItems()[0]->setPrice('10.001');

        $samples = [];
        for ($i = 0; $i < self::WARM_UP + self::CALLS; $i++) {
            switch ($i % 4) {
                case 0:
                    $this->assertSame($valid->getDocumentUuid(), CheckDataFactory::convertToArray($valid)['id']);
                    break;
                case 1:
                    try {
                        CheckDataFactory::convertToArray($invalid);
                        $this->fail('accepted an invalid receipt');
                    } catch (ValidationException $e) {
                        // expected: an error envelope freed and mapped
                    }
                    break;
                case 2:
                    if ($live) {
                        $this->assertArrayHasKey('status', $client->getStatusDocumentById($documentId));
                    } else {
                        CheckDataFactory::convertToArray($valid);
                    }
                    break;
                default:
                    // A client handle made and freed on every iteration (no network needed).
                    $temporary = new Client('user-' . $i, 'password', true);
                    unset($temporary);
                    if ($live) {
                        $this->assertArrayHasKey('status', $client->getStatusFiscalService());
                    } else {
                        CheckDataFactory::convertToArray($valid);
                    }
            }
            if ($i >= self::WARM_UP && ($i - self::WARM_UP) % self::SAMPLE_EVERY === 0) {
                $samples[] = self::rssKb();
            }
        }
        $samples[] = self::rssKb();

        $growth = max($samples) - $samples[0];
        $this->assertLessThan(
            self::MAX_GROWTH_KB,
            $growth,
            sprintf('VmRSS grew by %d kB over %d calls; samples (kB): %s', $growth, self::CALLS, implode(', ', $samples))
        );
        if (getenv('MODULPOS_SOAK_REPORT')) {
            fwrite(STDERR, sprintf("\nsoak: %d calls (%s), VmRSS %d kB -> %d kB (max growth %d kB)\n",
                self::CALLS, $live ? 'live' : 'offline', $samples[0], end($samples), $growth));
        }
    }

    private static function rssKb(): int
    {
        $status = (string) file_get_contents('/proc/self/status');
        if (preg_match('/^VmRSS:\s+(\d+) kB/m', $status, $m) !== 1) {
            throw new \RuntimeException('no VmRSS in /proc/self/status');
        }

        return (int) $m[1];
    }
}
