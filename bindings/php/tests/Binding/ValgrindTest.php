<?php

declare(strict_types=1);

namespace Tests\Binding;

use Tests\TestCase;

/**
 * Runs valgrind-workload.php under valgrind (when installed): no invalid read, write or free in
 * the binding's use of the library.
 */
class ValgrindTest extends TestCase
{
    public function testNoMemoryErrorsUnderValgrind(): void
    {
        $valgrind = trim((string) shell_exec('command -v valgrind'));
        if ($valgrind === '') {
            $this->markTestSkipped('valgrind is not installed');
        }
        $command = [
            $valgrind, '--error-exitcode=97', '--leak-check=no', '-q',
            '--suppressions=' . __DIR__ . '/fixtures/php-valgrind.supp',
            PHP_BINARY, __DIR__ . '/valgrind-workload.php',
        ];
        $environment = getenv() + ['USE_ZEND_ALLOC' => '0', 'ZEND_DONT_UNLOAD_MODULES' => '1'];
        $environment['USE_ZEND_ALLOC'] = '0';
        // valgrind's report goes to a file: read after stdout, a pipe would fill up and block it.
        $report = tempnam(sys_get_temp_dir(), 'modulpos-valgrind-');
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['file', $report, 'w']], $pipes, null, $environment);
        $this->assertIsResource($process);
        $stdout = stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        $exit = proc_close($process);
        $stderr = (string) file_get_contents($report);
        unlink($report);

        $this->assertSame(0, $exit, "valgrind reported errors:\n$stderr\n$stdout");
        $this->assertStringContainsString('workload done', (string) $stdout);
    }
}
