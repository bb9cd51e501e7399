<?php

declare(strict_types=1);

namespace Tests\Binding;

/**
 * Runs PHP code in a fresh process (a fresh FFI state), with a chosen environment and ini settings.
 */
final class Subprocess
{
    /**
     * @param array<string, string|null> $env variables to set (null: unset)
     * @param string[]                   $ini e.g. ['ffi.preload=/tmp/x.h']
     *
     * @return array{0: int, 1: string, 2: string} exit code, stdout, stderr
     */
    public static function php(string $code, array $env = [], array $ini = []): array
    {
        $command = [PHP_BINARY];
        foreach ($ini as $setting) {
            $command[] = '-d';
            $command[] = $setting;
        }
        $command[] = '-r';
        $command[] = $code;

        $environment = getenv();
        foreach ($env as $name => $value) {
            if ($value === null) {
                unset($environment[$name]);
            } else {
                $environment[$name] = $value;
            }
        }

        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $environment);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start ' . PHP_BINARY);
        }
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $exitCode = proc_close($process);

        return [$exitCode, (string) $stdout, (string) $stderr];
    }
}
