"""`python -m sdgkg`."""

from sdgkg.cli import main

if __name__ == "__main__":
    main()
