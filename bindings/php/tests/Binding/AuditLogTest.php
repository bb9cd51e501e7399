<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Client;
use Bigperson\ModulposApiClient\Entity\Cashier;
use Bigperson\ModulposApiClient\Exceptions\ApiException;
use Tests\TestCase;

/**
 * The audit trail through an optional PSR-3 logger (Debian php-psr-log; run-tests.sh installs
 * it): one record per HTTP attempt and per validation warning, never a password or an
 * Authorization header; a throwing logger changes nothing; and the binding works where psr/log is
 * absent.
 */
class AuditLogTest extends TestCase
{
    public static function setUpBeforeClass(): void
    {
        Sandbox::require();
        if (!interface_exists(\Psr\Log\LoggerInterface::class)) {
            foreach (['/usr/share/php/Psr/Log/autoload.php', dirname(__DIR__, 2) . '/vendor/autoload.php'] as $file) {
                if (is_file($file)) {
                    require_once $file;
                }
            }
        }
        if (!interface_exists(\Psr\Log\LoggerInterface::class)) {
            self::markTestSkipped('psr/log is not installed (Debian: apt-get install php-psr-log)');
        }
    }

    protected function setUp(): void
    {
        Sandbox::clearFaults();
    }

    /** @return \Psr\Log\AbstractLogger&object{records: array} */
    private static function logger(): \Psr\Log\AbstractLogger
    {
        return new class() extends \Psr\Log\AbstractLogger {
            /** @var array<int, array{0: mixed, 1: string, 2: array}> */
            public $records = [];

            public function log($level, $message, array $context = []): void
            {
                $this->records[] = [$level, (string) $message, $context];
            }
        };
    }

    public function testEveryAttemptOfASendIsLoggedWithoutSecrets(): void
    {
        $accountLogger = self::logger();
        $associate = new Associate(getenv('MODULPOS_LOGIN'), getenv('MODULPOS_PASSWORD'), getenv('MODULPOS_RETAIL_POINT_UUID'), true, null, 'php-audit-' . bin2hex(random_bytes(4)));
        $associate->setLogger($accountLogger);
        $credentials = $associate->init();
        $wrong = new Associate(getenv('MODULPOS_LOGIN'), 'Wr0ng-Audit-Pass', getenv('MODULPOS_RETAIL_POINT_UUID'), true);
        $wrong->setLogger($accountLogger);
        try {
            $wrong->init();
            $this->fail('a wrong password is refused');
        } catch (ApiException $e) {
            $this->assertSame('authentication', $e->getErrorCode());
        }
        $this->assertSame(['info', 'warning'], array_column($accountLogger->records, 0));
        $this->assertSame('authentication', $accountLogger->records[1][2]['error_code']);

        $client = new Client($credentials['userName'], $credentials['password'], true, null, ['retry_backoff_ms' => 10]);
        $logger = self::logger();
        $client->setLogger($logger);
        // The first POST gets a 503 before the sandbox processes it: a status check (404), then a resend.
        Sandbox::addFaults([['kind' => 'http_status', 'status' => 503, 'path_contains' => '/v2/doc']]);
        $order = Receipts::order();
        $id = $order->getDocumentUuid();
        $client->sendCheck($order);
        $client->getStatusDocumentById($id);

        $rows = array_map(static function ($r) {
            return [$r[0], $r[2]['method'], $r[2]['endpoint'], $r[2]['attempt'], $r[2]['http_status'], $r[2]['error_code'], $r[2]['document_id']];
        }, $logger->records);
        $this->assertSame([
            ['warning', 'POST', 'send_document', 1, 503, 'server_error', $id],
            ['warning', 'GET', 'document_status', 1, 404, 'not_found', $id],
            ['info', 'POST', 'send_document', 2, 200, null, $id],
            ['info', 'GET', 'document_status', 1, 200, null, $id],
        ], $rows);
        $this->assertSame('send_document', $logger->records[1][2]['operation']);
        $this->assertIsInt($logger->records[0][2]['duration_ms']);
        $this->assertStringContainsString("modulpos POST send_document (send_document, attempt 2) document $id: HTTP 200 in ", $logger->records[2][1]);

        $everything = json_encode([$accountLogger->records, $logger->records]);
        foreach ([getenv('MODULPOS_PASSWORD'), 'Wr0ng-Audit-Pass', $credentials['password'], base64_encode($credentials['userName'] . ':' . $credentials['password'])] as $secret) {
            $this->assertStringNotContainsString($secret, $everything);
        }
        $this->assertStringNotContainsStringIgnoringCase('authorization', $everything);
        $this->assertStringNotContainsString('Basic ', $everything);

        // Removed: nothing more is logged.
        $client->setLogger(null);
        $client->getStatusDocumentById($id);
        $this->assertCount(4, $logger->records);
    }

    public function testValidationWarningsReachTheLogger(): void
    {
        $client = Sandbox::client();
        $logger = self::logger();
        $client->setLogger($logger);
        $order = Receipts::order();
        $cashier = Cashier::create(['name' => 'Test Cashier', 'inn' => '123456789012', 'position' => 'salesman']);
        $client->sendCheck($order, null, false, $cashier);

        $warnings = array_values(array_filter($logger->records, static function ($r) {
            return ($r[2]['event'] ?? null) === 'validation_warning';
        }));
        $this->assertCount(1, $warnings);
        [$level, $message, $context] = $warnings[0];
        $this->assertSame('warning', $level);
        $this->assertSame('cashierInn', $context['field']);
        $this->assertSame('inn_checksum', $context['rule']);
        $this->assertSame($order->getDocumentUuid(), $context['document_id']);
        $this->assertStringContainsString('modulpos validation_warning: cashierInn is not a valid INN', $message);
        $this->assertSame($client->getLastWarnings()[0]['rule'], $context['rule']);
    }

    public function testAThrowingLoggerChangesNothing(): void
    {
        $client = Sandbox::client();
        $client->setLogger(new class() extends \Psr\Log\AbstractLogger {
            public function log($level, $message, array $context = []): void
            {
                throw new \RuntimeException('the log disk is full');
            }
        });
        $order = Receipts::order();
        $this->assertSame('QUEUED', $client->sendCheck($order)['status']);
        $this->assertSame(['document_id' => $order->getDocumentUuid(), 'attempts' => 1, 'outcome' => 'accepted'], $client->getLastDelivery());
    }

    public function testTheBindingWorksWithoutPsrLog(): void
    {
        $autoload = var_export(dirname(__DIR__, 2) . '/autoload.php', true);
        $code = <<<PHP
            require $autoload;
            if (interface_exists('Psr\\\\Log\\\\LoggerInterface')) { echo "psr/log is loaded\\n"; exit(1); }
            \$a = (new Bigperson\\ModulposApiClient\\Associate(getenv('MODULPOS_LOGIN'), getenv('MODULPOS_PASSWORD'), getenv('MODULPOS_RETAIL_POINT_UUID'), true, null, 'php-nopsr'))->init();
            \$c = new Bigperson\\ModulposApiClient\\Client(\$a['userName'], \$a['password'], true);
            \$c->setLogger(null);
            echo \$c->getStatusFiscalService()['status'], "\\n";
            PHP;
        [$exit, $stdout, $stderr] = Subprocess::php($code);
        $this->assertSame(0, $exit, $stdout . $stderr);
        $this->assertSame("READY\n", $stdout);
    }
}
