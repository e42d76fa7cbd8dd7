from leaflets.cli import main

main()
