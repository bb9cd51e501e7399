<?php

declare(strict_types=1);

namespace Tests\Binding;

use Bigperson\ModulposApiClient\Associate;
use Bigperson\ModulposApiClient\Entity\OrderItem;
use Bigperson\ModulposApiClient\Exceptions\ModulposException;
use Bigperson\ModulposApiClient\Exceptions\ValidationException;
use Bigperson\ModulposApiClient\Outbox;
use PHPUnit\Framework\TestCase;

/**
 * The transactional outbox on SQLite (always) and on MariaDB and PostgreSQL (when
 * tests/outbox/run.sh started them: MODULPOS_TEST_MYSQL_DSN, MODULPOS_TEST_POSTGRES_DSN). With a
 * sandbox and the built `modulpos` program, the worker then sends what was committed, once, and
 * nothing that was rolled back.
 */
final class OutboxTest extends TestCase
{
    /** @var string */
    private static $dir;

    public static function setUpBeforeClass(): void
    {
        self::$dir = sys_get_temp_dir() . '/modulpos-outbox-php-' . getmypid();
        @mkdir(self::$dir);
    }

    public static function tearDownAfterClass(): void
    {
        foreach (glob(self::$dir . '/*') ?: [] as $file) {
            unlink($file);
        }
        @rmdir(self::$dir);
    }

    /**
     * @return array<string, array{0: string}>
     */
    public static function databases(): array
    {
        return ['sqlite' => ['sqlite'], 'mariadb' => ['mysql'], 'postgres' => ['pgsql']];
    }

    /**
     * A fresh connection and table (a table of its own per test), and the worker's --database URL.
     *
     * @return array{0: \PDO, 1: string, 2: string}
     */
    private function connect(string $driver): array
    {
        $table = 'outbox_' . bin2hex(random_bytes(4));
        $options = [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION];
        if ($driver === 'sqlite') {
            $file = self::$dir . "/$table.db";

            return [new \PDO("sqlite:$file", null, null, $options), $table, "sqlite:$file"];
        }
        $prefix = $driver === 'mysql' ? 'MODULPOS_TEST_MYSQL' : 'MODULPOS_TEST_POSTGRES';
        $dsn = getenv("{$prefix}_DSN");
        if (!is_string($dsn) || $dsn === '') {
            $this->markTestSkipped("{$prefix}_DSN is not set: tests/outbox/run.sh starts the database servers");
        }
        if (!in_array($driver, \PDO::getAvailableDrivers(), true)) {
            $this->fail("PHP has no pdo_$driver driver (Debian: php-mysql / php-pgsql)");
        }
        $pdo = new \PDO($dsn, (string) getenv("{$prefix}_USER"), (string) getenv("{$prefix}_PASSWORD"), $options);

        return [$pdo, $table, (string) getenv("{$prefix}_URL")];
    }

    /** @dataProvider databases */
    #[\PHPUnit\Framework\Attributes\DataProvider('databases')]
    public function testInstallIsIdempotentAndEnqueueFollowsTheCallersTransaction(string $driver): void
    {
        [$pdo, $table] = $this->connect($driver);
        $outbox = new Outbox($pdo, $table);
        $outbox->install();
        $outbox->install();

        $pdo->beginTransaction();
        $rolledBack = $outbox->enqueue(Receipts::order());
        $this->assertTrue($pdo->inTransaction(), 'enqueue must not commit the caller\'s transaction');
        $pdo->rollBack();
        $this->assertNotFound($outbox, $rolledBack);

        $pdo->beginTransaction();
        $id = $outbox->enqueue(Receipts::order(), 'http://127.0.0.1:9/callback?order=1', true);
        $this->assertSame($id, $outbox->enqueue(Receipts::order($id)), 'the same id again is the same entry');
        $this->assertTrue($pdo->inTransaction());
        $pdo->commit();

        $status = $outbox->status($id);
        $this->assertSame('pending', $status['state']);
        $this->assertSame(0, $status['attempts']);
        $this->assertNull($status['document_status']);
        $this->assertNull($status['last_error']);
        $this->assertFalse($status['leased']);
        $this->assertSame(1, (int) $pdo->query("SELECT COUNT(*) FROM $table")->fetchColumn());
        $this->assertSame(1, (int) $pdo->query("SELECT COUNT(*) FROM {$table}_events WHERE event = 'enqueued'")->fetchColumn());

        // The normalized document is what is stored: the library's output, numbers exact.
        $stored = json_decode((string) $pdo->query("SELECT document FROM $table")->fetchColumn(), true);
        $this->assertSame($id, $stored['id']);
        $this->assertSame('http://127.0.0.1:9/callback?order=1', $stored['responseURL']);
        $this->assertTrue($stored['printReceipt']);
        $this->assertSame(1102, $stored['inventPositions'][1]['vatTag']);

        // Outside a transaction, enqueue is one autocommitted statement pair.
        $other = $outbox->enqueue(Receipts::order());
        $this->assertFalse($pdo->inTransaction());
        $this->assertSame('pending', $outbox->status($other)['state']);
    }

    /** @dataProvider databases */
    #[\PHPUnit\Framework\Attributes\DataProvider('databases')]
    public function testAnInvalidReceiptIsNeverQueued(string $driver): void
    {
        [$pdo, $table] = $this->connect($driver);
        $outbox = new Outbox($pdo, $table);
        $outbox->install();
        $order = Receipts::order();
        $order->addItem(OrderItem::create(['price' => '1.005', 'quantity' => 1, 'vatTag' => OrderItem::VAT_NO, 'name' => 'x']));
        try {
            $outbox->enqueue($order);
            $this->fail('an invalid receipt was queued');
        } catch (ModulposException $e) {
            $this->assertSame('validation', $e->getErrorCode());
        }
        $this->assertSame(0, (int) $pdo->query("SELECT COUNT(*) FROM $table")->fetchColumn());
    }

    public function testBadTableNamesAndDriversAreRefused(): void
    {
        $pdo = new \PDO('sqlite::memory:');
        foreach (['', '1abc', 'a-b', 'x; DROP TABLE y'] as $bad) {
            try {
                new Outbox($pdo, $bad);
                $this->fail("table name accepted: $bad");
            } catch (ValidationException $e) {
                $this->assertSame('table', $e->getField());
            }
        }
        $this->assertCount(4, Outbox::statements('sqlite', 'shop_receipts'));
        foreach (['sqlite', 'mysql', 'pgsql'] as $driver) {
            foreach (Outbox::statements($driver, 'shop_receipts') as $sql) {
                $this->assertStringNotContainsString('modulpos_outbox', $sql);
            }
        }
    }

    /**
     * Committed → sent once and followed to PRINTED; rolled back → never sent. Run by the worker
     * program, as a shop runs it.
     *
     * @dataProvider databases
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('databases')]
    public function testTheWorkerSendsWhatWasCommittedOnce(string $driver): void
    {
        Sandbox::require();
        $binary = dirname(__DIR__, 4) . '/target/release/modulpos';
        if (!is_executable($binary)) {
            $this->markTestSkipped("$binary is not built (cargo build --release --workspace)");
        }
        [$pdo, $table, $url] = $this->connect($driver);
        $outbox = new Outbox($pdo, $table);
        $outbox->install();

        $pdo->beginTransaction();
        $rolledBack = $outbox->enqueue(Receipts::order());
        $pdo->rollBack();
        $pdo->beginTransaction();
        $committed = [$outbox->enqueue(Receipts::order()), $outbox->enqueue(Receipts::order())];
        $pdo->commit();

        $config = self::$dir . "/$table.json";
        file_put_contents($config, json_encode($this->associationConfig()));
        $command = [$binary, 'worker', '--database', $url, '--table', $table, '--config', $config,
            '--once', '--concurrency', '2', '--poll-ms', '50', '--idle-ms', '50', '--lease-ms', '600000', '--quiet'];
        [$exit, $stderr] = self::runCommand($command);
        $this->assertSame(0, $exit, "worker: $stderr");

        $counters = Sandbox::counters()['documents'];
        foreach ($committed as $id) {
            $status = $outbox->status($id);
            $this->assertSame('done', $status['state'], json_encode($status));
            $this->assertSame('PRINTED', $status['document_status']['status']);
            $this->assertNotEmpty($status['document_status']['fiscalInfo']);
            $this->assertSame(1, $status['attempts']);
            $this->assertSame(1, $counters[$id]['submissions'] ?? null, "$id must be sent exactly once");
        }
        $this->assertArrayNotHasKey($rolledBack, $counters, 'a rolled-back receipt reached the service');
        $this->assertNotFound($outbox, $rolledBack);
    }

    /**
     * @param string[] $command
     *
     * @return array{0: int, 1: string} exit code, stderr
     */
    private static function runCommand(array $command): array
    {
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start ' . $command[0]);
        }
        $stderr = (string) stream_get_contents($pipes[2]);
        fclose($pipes[2]);

        return [proc_close($process), $stderr];
    }

    /** @return array<string, mixed> */
    private function associationConfig(): array
    {
        $credentials = (new Associate(
            (string) getenv('MODULPOS_LOGIN'),
            (string) getenv('MODULPOS_PASSWORD'),
            (string) getenv('MODULPOS_RETAIL_POINT_UUID'),
            true,
            null,
            'php-outbox-' . bin2hex(random_bytes(4))
        ))->init();

        return [
            'login' => $credentials['userName'],
            'password' => $credentials['password'],
            'test_mode' => true,
            'base_url' => getenv('MODULPOS_TEST_BASE_URL'),
            'allow_insecure_http' => true,
            'timeout_ms' => 5000,
        ];
    }

    private function assertNotFound(Outbox $outbox, string $id): void
    {
        try {
            $outbox->status($id);
            $this->fail("$id is in the outbox");
        } catch (ValidationException $e) {
            $this->assertSame('not_found', $e->getErrorCode());
        }
    }
}
